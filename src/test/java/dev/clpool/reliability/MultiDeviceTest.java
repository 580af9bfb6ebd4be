package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.ChildJvm;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.TestDevices;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several devices as one Clpool, in a child JVM where {@code POCL_DEVICES} gives PoCL two devices: every
 * workload gives the Java path's bits, a large pooling is split over both (each does some chunks, and
 * together they do each chunk once), and a failure on one device fails the call, names the device, leaves
 * the input as it was and the Clpool usable. Needs PoCL (CI installs it); skips without OpenCL elsewhere.
 */
class MultiDeviceTest {
    private static ChildJvm.Child child(String pocl, String mode, long seed) throws Exception {
        TestDevices.openCl(); // skips (or fails in CI) without OpenCL
        return ChildJvm.run(MultiDeviceChild.class, Map.of("POCL_DEVICES", pocl), mode, Long.toString(seed));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pthread pthread", "pthread basic"})
    void twoDevicesGiveTheJavaPathsBitsAndShareTheWork(String pocl) throws Exception {
        long seed = Seeds.seed("MultiDeviceTest");
        ChildJvm.Child c = child(pocl, "share", seed);
        String all = c.all();
        assertEquals(0, c.code(), all);
        assertTrue(c.lines("devices ").get(0).startsWith("2 OpenCL: "), "both PoCL devices in one Clpool: " + all);

        List<Workload.Job> jobs = Workload.jobs(seed);
        List<String> results = c.lines("result ");
        assertEquals(jobs.size(), results.size(), all);
        for (int i = 0; i < jobs.size(); i++) {
            assertEquals(i + " " + NoOpenClChild.digest(jobs.get(i).run(TestDevices.java(), Workload.Api.HOST)), results.get(i),
                    Seeds.describe(seed) + ": " + jobs.get(i) + " on two devices vs the Java path");
        }
        assertEquals(List.of(javaSplitDigest(seed)), c.lines("split "), Seeds.describe(seed) + ": the split pooling");

        List<String> shares = c.lines("share ");
        assertEquals(2, shares.size(), all);
        long chunks = 0;
        for (String share : shares) {
            long n = Long.parseLong(share.split(" ")[0]);
            assertTrue(n > 0, "each device computed some chunks of the split pooling: " + all);
            chunks += n;
        }
        assertTrue(chunks >= 8, "the split pooling went in several chunks per device: " + all);
    }

    @Test
    void aFailureOnOneDeviceFailsTheCallNamingItAndTheNextCallSucceeds() throws Exception {
        long seed = Seeds.seed("MultiDeviceTest");
        ChildJvm.Child c = child("pthread pthread", "fault", seed);
        String all = c.all();
        assertEquals(0, c.code(), all);
        String failure = c.lines("failed ").get(0);
        assertTrue(failure.startsWith("ClException: ") && failure.contains("CL_OUT_OF_RESOURCES")
                && failure.matches(".* on pthread-.* \\(Portable Computing Language, CPU, 0:[01]\\).*"), failure);
        assertEquals(List.of("true"), c.lines("input unchanged "), all);
        assertEquals(List.of(javaSplitDigest(seed)), c.lines("split "), "the call after the failure: " + all);
    }

    private static String javaSplitDigest(long seed) throws Exception {
        var r = TestDevices.java().pool(MultiDeviceChild.splitInput(seed), MultiDeviceChild.SPLIT_OP);
        return NoOpenClChild.digest(Workload.Outcome.of(r.values(), r.indices()));
    }
}
