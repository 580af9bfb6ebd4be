package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk program cache (issue 4, start-up): a second engine on the same device loads the compiled
 * program instead of compiling it; a corrupt or refused entry is rebuilt from source and rewritten; the
 * key changes with the source, the options and the device.
 */
class ProgramCacheTest {
    static final Tensor X = OpenClLifecycleTest.input();
    static final OutputSize SIZE = OutputSize.of(3, 4);

    @TempDir
    Path cache;

    @BeforeEach
    void requireOpenCl() {
        TestDevices.openCl(); // skips here, or fails in CI, without OpenCL
    }

    private Clpool open() {
        return Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withCacheDir(cache));
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".bin")).toList();
        }
    }

    /** An average: what the program built when an engine opens computes, so that one program is all there is to cache. */
    private static final AdaptivePool AVG = AdaptivePool.avg2d(SIZE);

    /** Opens an engine, pools once, and returns the OpenCL calls that opening made. */
    private List<String> openAndPool(PoolResult[] result) {
        Clpool[] engine = new Clpool[1];
        List<String> calls = ClCalls.during(() -> engine[0] = open());
        try (Clpool clpool = engine[0]) {
            result[0] = clpool.pool(X, AVG);
        }
        return calls;
    }

    @Test
    void aSecondEngineLoadsTheCompiledProgramInsteadOfCompiling() throws IOException {
        PoolResult expected = TestDevices.java().pool(X, AVG);
        PoolResult[] result = new PoolResult[1];

        List<String> first = openAndPool(result);
        assertTrue(first.contains("clCreateProgramWithSource"), "an empty cache compiles: " + first);
        assertEquals(1, entries().size(), "the compiled program is cached");
        TensorAssert.assertBitExact(expected.values(), result[0].values(), "compiled");

        List<String> second = openAndPool(result);
        assertTrue(second.contains("clCreateProgramWithBinary"), "a warm cache loads the binary: " + second);
        assertFalse(second.contains("clCreateProgramWithSource"), "and compiles nothing: " + second);
        TensorAssert.assertBitExact(expected.values(), result[0].values(), "loaded from the cache");
    }

    @Test
    void aCorruptEntryIsRebuiltFromSourceAndRewritten() throws IOException {
        PoolResult expected = TestDevices.java().pool(X, AVG);
        PoolResult[] result = new PoolResult[1];
        openAndPool(result);
        Path entry = entries().get(0);
        byte[] good = Files.readAllBytes(entry);

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x5a;
        for (byte[] bad : List.of(flipped, java.util.Arrays.copyOf(good, good.length / 3), new byte[0])) {
            Files.write(entry, bad);
            List<String> calls = openAndPool(result);
            assertTrue(calls.contains("clCreateProgramWithSource"), "a corrupt entry is rebuilt: " + calls);
            assertFalse(calls.contains("clCreateProgramWithBinary"), "and never handed to the driver: " + calls);
            TensorAssert.assertBitExact(expected.values(), result[0].values(), "after a rebuild");
            assertEquals(List.of(entry), entries(), "the entry is rewritten in place");
            List<String> again = openAndPool(result);
            assertTrue(again.contains("clCreateProgramWithBinary") && !again.contains("clCreateProgramWithSource"),
                    "the rewritten entry loads again: " + again);
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(entry), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aBinaryTheDeviceRefusesIsRebuiltToo() throws IOException {
        PoolResult[] result = new PoolResult[1];
        openAndPool(result);
        // The device refuses the cached binary: record the calls and fail clCreateProgramWithBinary.
        List<String> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Cl.injectFaults(function -> {
            calls.add(function);
            return function.equals("clCreateProgramWithBinary") ? org.jocl.CL.CL_INVALID_BINARY : 0;
        });
        try (Clpool clpool = open()) {
            result[0] = clpool.pool(X, AVG);
        } finally {
            Cl.clearFaults();
        }
        assertTrue(calls.indexOf("clCreateProgramWithBinary") >= 0
                && calls.indexOf("clCreateProgramWithSource") > calls.indexOf("clCreateProgramWithBinary"),
                "the refused binary is rebuilt from source: " + calls);
        TensorAssert.assertBitExact(TestDevices.java().pool(X, AVG).values(), result[0].values(),
                "after the device refused the cached binary");
        assertEquals(1, entries().size());
    }

    @Test
    void theKeyChangesWithSourceOptionsAndDevice() {
        DeviceInfo device = OpenClDevices.list().get(0);
        DeviceInfo otherDriver = new DeviceInfo(device.platformIndex(), device.deviceIndex(), device.platformName(),
                device.name(), device.vendor(), device.type(), device.version(), device.driverVersion() + "-next",
                device.openclCVersion(), device.computeUnits(), device.globalMemoryBytes(), device.maxAllocationBytes(),
                device.localMemoryBytes(), device.maxWorkGroupSize(), device.correctlyRoundedDivide(),
                device.hostUnifiedMemory(), device.extensions(), device.pciBusId(), device.uuid());
        String key = ProgramCache.key(device, "kernel source", "-cl-std=CL1.2");
        assertEquals(key, ProgramCache.key(device, "kernel source", "-cl-std=CL1.2"), "the key is stable");
        assertNotEquals(key, ProgramCache.key(device, "kernel source.", "-cl-std=CL1.2"), "source");
        assertNotEquals(key, ProgramCache.key(device, "kernel source", "-cl-std=CL1.2 -DX"), "options");
        assertNotEquals(key, ProgramCache.key(otherDriver, "kernel source", "-cl-std=CL1.2"), "driver version");
    }
}
