package dev.clpool.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.spark.GpuAddresses.MatchedBy;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** GPU addresses, as a discovery script may print them, matched to synthetic OpenCL devices. */
class GpuAddressesTest {
    /** A synthetic device of platform 0: a type, a PCI bus id and a UUID, "" where the driver would report none. */
    static DeviceInfo device(int index, String type, String pci, String uuid) {
        return new DeviceInfo(0, index, "Fake CL", "Fake " + type + " " + index, "Fake", type, "OpenCL 3.0", "1.0", "OpenCL C 1.2",
                8, 1L << 34, 1L << 32, 1L << 16, 1024, true, false, "", pci, uuid);
    }

    private static final DeviceInfo CPU = device(0, "CPU", "", "");
    private static final DeviceInfo GPU_A = device(1, "GPU", "0000:17:00.0", "5f3c0d1e2a4b4c6d8e9f0a1b2c3d4e5f");
    private static final DeviceInfo GPU_B = device(2, "GPU", "0000:65:00.0", "00112233445566778899aabbccddeeff");
    private static final List<DeviceInfo> MACHINE = List.of(CPU, GPU_A, GPU_B);

    private static GpuAddresses.Match only(String address, List<DeviceInfo> devices) {
        return GpuAddresses.match(List.of(address), devices).get(0);
    }

    @Test
    void pciBusIdsMatchAsNvidiaSmiPrintsThem() {
        GpuAddresses.Match m = only("00000000:65:00.0", MACHINE);
        assertSame(GPU_B, m.device());
        assertEquals(MatchedBy.PCI_BUS_ID, m.matchedBy());
        assertSame(GPU_A, only("0000:17:00.0", MACHINE).device());
        assertSame(GPU_A, only("17:00.0", MACHINE).device(), "no domain: domain 0");
        assertTrue(m.describe().startsWith("GPU 00000000:65:00.0 -> OpenCL Fake GPU 2 (Fake CL, GPU, 0:2), matched by PCI bus id"),
                m.describe());
    }

    @Test
    void uuidsMatchWithOrWithoutNvidiasPrefixAndDashes() {
        GpuAddresses.Match m = only("GPU-5F3C0D1E-2A4B-4C6D-8E9F-0A1B2C3D4E5F", MACHINE);
        assertSame(GPU_A, m.device());
        assertEquals(MatchedBy.UUID, m.matchedBy());
        assertSame(GPU_B, only("00112233445566778899aabbccddeeff", MACHINE).device());
    }

    @Test
    void indicesCountOpenClGpusOnlyInTheirOrder() {
        List<GpuAddresses.Match> ms = GpuAddresses.match(List.of("1", "0"), MACHINE);
        assertSame(GPU_B, ms.get(0).device());
        assertSame(GPU_A, ms.get(1).device());
        assertEquals(MatchedBy.INDEX, ms.get(0).matchedBy());
    }

    @Test
    void aDriverWithoutIdentitiesFallsBackToIndices() {
        List<DeviceInfo> anonymous = List.of(device(0, "GPU", "", ""), device(1, "GPU", "", ""));
        assertEquals(MatchedBy.INDEX, only("1", anonymous).matchedBy());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> only("0000:17:00.0", anonymous));
        assertTrue(e.getMessage().startsWith("GPU address '0000:17:00.0': no OpenCL GPU has it as PCI bus id, UUID or index (0 to 1)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(no PCI bus id or UUID reported)"), e.getMessage());
    }

    @Test
    void theOnlyGpuOfAContainerIsUsedWhateverTheAddress() {
        List<DeviceInfo> container = List.of(CPU, device(1, "GPU", "", ""));
        GpuAddresses.Match m = only("3", container);
        assertEquals(MatchedBy.ONLY_GPU, m.matchedBy());
        assertSame(container.get(1), m.device());
        assertEquals(MatchedBy.ONLY_GPU, only("0000:b3:00.0", container).matchedBy());
        assertEquals(MatchedBy.INDEX, only("0", container).matchedBy());
    }

    @Test
    void anUnknownAddressAmongSeveralGpusNamesItAndTheGpus() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> only("0000:99:00.0", MACHINE));
        assertTrue(e.getMessage().contains("GPU address '0000:99:00.0'"), e.getMessage());
        assertTrue(e.getMessage().contains("Fake GPU 1 (Fake CL, GPU, 0:1) PCI 0000:17:00.0 UUID 5f3c0d1e2a4b4c6d8e9f0a1b2c3d4e5f"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> only("7", MACHINE));
    }

    @Test
    void noOpenClGpuAtAllIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> only("0", List.of(CPU)));
        assertTrue(e.getMessage().startsWith("GPU addresses [0]: OpenCL sees no GPU; its devices: Fake CPU 0"), e.getMessage());
    }

    @Test
    void gpusAreOpenedOneByOneOnlyUnderAuto() {
        Map<String, ResourceInformation> twoGpus = Map.of(ClpoolConf.GPU_RESOURCE,
                new ResourceInformation(ClpoolConf.GPU_RESOURCE, new String[] {"00000000:65:00.0", "00000000:17:00.0"}));
        assertEquals(List.of("00000000:65:00.0", "00000000:17:00.0"), ExecutorEngines.gpusToOpen("auto", twoGpus));
        assertEquals(List.of(), ExecutorEngines.gpusToOpen("cpu", twoGpus), "an explicit device wins");
        assertEquals(List.of(), ExecutorEngines.gpusToOpen("0:1", twoGpus));
        assertEquals(List.of(), ExecutorEngines.gpusToOpen("auto", Map.of()), "no GPU scheduling");
    }

    @Test
    void anExecutorWithTwoGpusOpensOneEnginePerDeviceAndTasksGetTheirGpusEngine() {
        List<DeviceInfo> opened = new ArrayList<>();
        List<GpuAddresses.Match> matches = GpuAddresses.match(List.of("00000000:65:00.0", "00000000:17:00.0"), MACHINE);
        GpuEngines engines = GpuEngines.open(matches, d -> {
            opened.add(d);
            return Clpool.open("cpu");
        });
        assertEquals(List.of(GPU_B, GPU_A), opened);
        assertSame(engines.engines().get(1), engines.forTask(new String[] {"00000000:17:00.0"}, 0));
        assertSame(engines.engines().get(0), engines.forTask(new String[] {"00000000:65:00.0"}, 1));
        assertSame(engines.engines().get(1), engines.forTask(null, 3), "tasks without GPUs of their own spread by partition");
        engines.close();
        for (Clpool engine : engines.engines()) {
            assertThrows(IllegalStateException.class, () -> engine.pool(Tensor.of(new float[] {1}, 1, 1, 1),
                    AdaptivePool.avg2d(OutputSize.of(1))));
        }
    }

    @Test
    void anEngineThatFailsToOpenClosesThoseAlreadyOpen() {
        List<Clpool> opened = new ArrayList<>();
        List<GpuAddresses.Match> matches = GpuAddresses.match(List.of("0", "1"), MACHINE);
        assertThrows(IllegalStateException.class, () -> GpuEngines.open(matches, d -> {
            if (d == GPU_B) {
                throw new IllegalStateException("device lost");
            }
            Clpool engine = Clpool.open("cpu");
            opened.add(engine);
            return engine;
        }));
        assertThrows(IllegalStateException.class, () -> opened.get(0).pool(Tensor.of(new float[] {1}, 1, 1, 1),
                AdaptivePool.avg2d(OutputSize.of(1))));
    }

    @Test
    void addressesOfOneDeviceShareItsEngine() {
        List<GpuAddresses.Match> matches = GpuAddresses.match(List.of("0", "0000:17:00.0"), MACHINE);
        try (GpuEngines engines = GpuEngines.open(matches, d -> Clpool.open("cpu"))) {
            assertEquals(1, engines.engines().size());
        }
    }
}
