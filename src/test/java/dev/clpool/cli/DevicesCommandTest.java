package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.testing.TestDevices;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IFactory;
import picocli.CommandLine;

/** {@code devices} lists what OpenCL offers and marks the automatic choice, or explains its absence. */
class DevicesCommandTest {
    private static final DeviceInfo CPU = device(0, 0, "PoCL", "pthread-cpu", "CPU");
    private static final DeviceInfo GPU = device(1, 0, "NVIDIA CUDA", "NVIDIA H200", "GPU");

    private static DeviceInfo device(int p, int d, String platform, String name, String type) {
        return new DeviceInfo(p, d, platform, name, "Vendor " + p, type, "OpenCL 3.0", "1.0", "OpenCL C 1.2", 132,
                150L << 30, 35L << 30, 48L << 10, 1024, true, type.equals("CPU"), "", "", "");
    }

    /** Runs {@code devices} (or {@code args}) over a made-up inventory. */
    private static Cli.Result run(DevicesCommand.Inventory inventory, String... args) {
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == DevicesCommand.class ? cls.cast(new DevicesCommand(inventory)) : CommandLine.defaultFactory().create(cls);
            }
        };
        return Cli.run(factory, true, args.length == 0 ? new String[] {"devices"} : args);
    }

    @Test
    void listsEveryDeviceAndMarksTheAutomaticChoice() {
        Cli.Result r = run(new DevicesCommand.Inventory() {
            @Override
            public List<DeviceInfo> list() {
                return List.of(CPU, GPU);
            }

            @Override
            public DeviceInfo automaticChoice() {
                return GPU;
            }
        }).succeeds();
        List<String> lines = r.out().lines().toList();
        String header = lines.get(0);
        for (String column : new String[] {"DEVICE", "PLATFORM", "NAME", "TYPE", "VENDOR", "VERSION", "COMPUTE UNITS",
            "GLOBAL MEMORY", "MAX ALLOCATION", "LOCAL MEMORY"}) {
            assertTrue(header.contains(column), header);
        }
        String cpu = lines.stream().filter(l -> l.contains("pthread-cpu")).findFirst().orElseThrow();
        String gpu = lines.stream().filter(l -> l.contains("NVIDIA H200")).findFirst().orElseThrow();
        assertTrue(gpu.startsWith("*") && !cpu.startsWith("*"), r.out());
        assertTrue(gpu.contains("1:0") && gpu.contains("GPU") && gpu.contains("Vendor 1") && gpu.contains("132")
                && gpu.contains("150 GiB") && gpu.contains("35 GiB") && gpu.contains("48 KiB"), gpu);
        assertTrue(r.out().contains("automatic choice (--device auto or opencl): NVIDIA H200 (NVIDIA CUDA, GPU, 1:0)"), r.out());
    }

    @Test
    void withoutOpenClSaysWhatIsMissingAndHowToInstallItAndExitsZero() {
        Cli.Result r = run(new DevicesCommand.Inventory() {
            @Override
            public List<DeviceInfo> list() {
                throw new OpenClUnavailableException("no OpenCL loader library could be loaded (tried libOpenCL.so.1)");
            }

            @Override
            public DeviceInfo automaticChoice() {
                throw new AssertionError("not reached");
            }
        }).succeeds();
        assertTrue(r.out().contains("OpenCL: not available: no OpenCL loader library could be loaded"), r.out());
        assertTrue(r.out().contains(OpenClUnavailableException.INSTALL_HINT), r.out());
        assertTrue(r.out().contains("--device cpu"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void listsTheRealDevices() {
        TestDevices.openCl();
        DeviceInfo automatic = OpenClDevices.automaticChoice();
        Cli.Result r = Cli.run("devices").succeeds();
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("*") && l.contains(automatic.name())), r.out());
    }

    @Test
    void verboseLogsAtDebugForTheRunOnly() {
        boolean[] debug = new boolean[1];
        DevicesCommand.Inventory probe = new DevicesCommand.Inventory() {
            @Override
            public List<DeviceInfo> list() {
                debug[0] = LoggerFactory.getLogger("dev.clpool").isDebugEnabled();
                return List.of(CPU);
            }

            @Override
            public DeviceInfo automaticChoice() {
                return CPU;
            }
        };
        boolean before = LoggerFactory.getLogger("dev.clpool").isDebugEnabled();
        run(probe, "devices", "--verbose").succeeds();
        assertTrue(debug[0], "DEBUG during a --verbose run");
        assertEquals(before, LoggerFactory.getLogger("dev.clpool").isDebugEnabled(), "the level is restored afterwards");
        debug[0] = false;
        run(probe, "--verbose", "devices").succeeds();
        assertTrue(debug[0], "--verbose before the subcommand too");
    }

    @Test
    void formatsByteSizes() {
        assertEquals("512 B", DevicesCommand.bytes(512));
        assertEquals("64 KiB", DevicesCommand.bytes(64 << 10));
        assertEquals("3.6 GiB", DevicesCommand.bytes(3_865_470_566L));
    }
}
