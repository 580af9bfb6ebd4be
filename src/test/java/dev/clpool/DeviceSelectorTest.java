package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DeviceSelector#parse}: auto, cpu/java, opencl, P:D and names; and where the default comes from. */
class DeviceSelectorTest {

    @ParameterizedTest
    @ValueSource(strings = {"auto", "AUTO", " Auto ", "", "  "})
    void auto(String text) {
        assertEquals(new DeviceSelector.Auto(), DeviceSelector.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "java", "CPU", " Java "})
    void javaPath(String text) {
        assertEquals(new DeviceSelector.Java(), DeviceSelector.parse(text));
    }

    @Test
    void anyOpenCl() {
        assertEquals(new DeviceSelector.AnyOpenCl(), DeviceSelector.parse("opencl"));
        assertEquals(new DeviceSelector.AnyOpenCl(), DeviceSelector.parse("OpenCL"));
        assertEquals(DeviceSelector.opencl(), DeviceSelector.parse("opencl"));
        assertEquals(DeviceSelector.java(), DeviceSelector.parse("cpu"));
        assertEquals(DeviceSelector.auto(), DeviceSelector.parse("auto"));
    }

    @Test
    void platformAndDeviceIndices() {
        assertEquals(new DeviceSelector.Indexed(0, 0), DeviceSelector.parse("0:0"));
        assertEquals(new DeviceSelector.Indexed(1, 2), DeviceSelector.parse("1:2"));
        assertEquals(new DeviceSelector.Indexed(12, 3), DeviceSelector.parse(" 12:3 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1:0", "0:-1"})
    void negativeIndicesAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelector.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'") && e.getMessage().contains(">= 0"), e.getMessage());
    }

    @Test
    void anythingElseIsANameFragment() {
        assertEquals(new DeviceSelector.Named("NVIDIA H200"), DeviceSelector.parse(" NVIDIA H200 "));
        assertEquals(new DeviceSelector.Named("pthread"), DeviceSelector.parse("pthread"));
        // Colons that do not make P:D: a name.
        assertEquals(new DeviceSelector.Named("gfx:1:2"), DeviceSelector.parse("gfx:1:2"));
        assertEquals(new DeviceSelector.Named("a:b"), DeviceSelector.parse("a:b"));
        assertEquals(new DeviceSelector.Named(":3"), DeviceSelector.parse(":3"));
        assertEquals(new DeviceSelector.Named("0:"), DeviceSelector.parse("0:"));
        assertEquals(new DeviceSelector.Named("gpu"), DeviceSelector.parse("gpu"));
    }

    @Test
    void defaultComesFromThePropertyThenTheEnvironment() {
        String saved = System.getProperty(DeviceSelector.PROPERTY);
        try {
            System.setProperty(DeviceSelector.PROPERTY, "java");
            assertEquals(new DeviceSelector.Java(), DeviceSelector.fromEnvironment());
            System.setProperty(DeviceSelector.PROPERTY, "1:0");
            assertEquals(new DeviceSelector.Indexed(1, 0), DeviceSelector.fromEnvironment());
            System.clearProperty(DeviceSelector.PROPERTY);
            String env = System.getenv(DeviceSelector.ENVIRONMENT);
            assertEquals(env == null ? DeviceSelector.auto() : DeviceSelector.parse(env), DeviceSelector.fromEnvironment());
        } finally {
            if (saved == null) {
                System.clearProperty(DeviceSelector.PROPERTY);
            } else {
                System.setProperty(DeviceSelector.PROPERTY, saved);
            }
        }
    }

    @Test
    void javaSelectorOpensTheJavaPath() {
        try (Clpool c = Clpool.open("cpu")) {
            assertTrue(!c.isOpenCl() && c.device().startsWith("Java"), c.device());
        }
    }
}
