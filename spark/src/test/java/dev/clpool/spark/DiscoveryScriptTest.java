package dev.clpool.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.clpool.opencl.DeviceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark/discover-gpus.sh with a stand-in nvidia-smi: what it prints is what Spark and the address mapping take. */
class DiscoveryScriptTest {
    @TempDir
    Path bin;

    private String discover(String nvidiaSmi) throws IOException, InterruptedException {
        Path fake = bin.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\n" + nvidiaSmi);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", "discover-gpus.sh").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void nvidiaGpusAreListedByPciBusIdAndMatchTheirOpenClDevices() throws Exception {
        String json = discover("""
                case "$1" in --query-gpu=pci.bus_id) printf '00000000:65:00.0\\n00000000:17:00.0\\n' ;; esac
                """);
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"00000000:65:00.0\",\"00000000:17:00.0\"]}", json);
        DeviceInfo a = GpuAddressesTest.device(0, "GPU", "0000:17:00.0", "");
        DeviceInfo b = GpuAddressesTest.device(1, "GPU", "0000:65:00.0", "");
        List<GpuAddresses.Match> m = GpuAddresses.match(addresses(json), List.of(a, b));
        assertSame(b, m.get(0).device());
        assertSame(a, m.get(1).device());
    }

    @Test
    void withoutBusIdsItListsNvidiaSmisIndices() throws Exception {
        String json = discover("""
                case "$1" in --query-gpu=index) printf '0\\n1\\n' ;; esac
                """);
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}", json);
    }

    private static List<String> addresses(String json) {
        String list = json.substring(json.indexOf('[') + 1, json.indexOf(']'));
        return Arrays.stream(list.split(",")).map(s -> s.replace("\"", "")).toList();
    }
}
