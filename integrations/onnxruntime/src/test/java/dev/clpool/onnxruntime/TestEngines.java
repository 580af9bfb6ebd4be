package dev.clpool.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.Clpool;
import dev.clpool.opencl.OpenClDevices;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The engines tests pool on, opened once per test JVM: the Java path and OpenCL. Without an OpenCL device the OpenCL
 * runs skip, except in CI ({@code CI} set, as the core's tests decide), where they fail.
 */
final class TestEngines {
    private static final Map<String, Clpool> OPEN = new ConcurrentHashMap<>();

    private TestEngines() {
    }

    /** {@code @MethodSource}: the devices every pooling test runs on. */
    static Stream<String> devices() {
        return Stream.of("cpu", "opencl");
    }

    static Clpool engine(String device) {
        if (device.equals("opencl") && OpenClDevices.listOrEmpty().isEmpty()) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isEmpty() && !ci.equals("false")) {
                fail("OpenCL is required here (CI) but no OpenCL device was found");
            }
            Assumptions.abort("no OpenCL device: install PoCL (pocl-opencl-icd) to run this on OpenCL");
        }
        Clpool clpool = OPEN.computeIfAbsent(device, Clpool::open);
        assertEquals(device.equals("opencl"), clpool.isOpenCl(), clpool.device());
        return clpool;
    }
}
