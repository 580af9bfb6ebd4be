package dev.clpool.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class of the test classpath in a child JVM with its own environment, for what one process
 * cannot change for itself: the OpenCL loader and the devices PoCL reports.
 */
public final class ChildJvm {
    /** What a child printed and how it exited. */
    public record Child(int code, List<String> out, List<String> err) {
        public List<String> warnings() {
            return err.stream().filter(l -> l.matches(".*\\bWARN\\b.*")).toList();
        }

        /** The lines of stdout that start with {@code prefix}, the prefix removed. */
        public List<String> lines(String prefix) {
            return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        public String all() {
            return "exit " + code + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
        }
    }

    private ChildJvm() {
    }

    /**
     * {@code java main args} with this JVM's environment, less the variables mapped to null in
     * {@code env}, plus the others.
     */
    public static Child run(Class<?> main, Map<String, String> env, String... args) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, main.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("clpool-child-out", ".txt");
        Path err = Files.createTempFile("clpool-child-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child JVM timed out: " + command);
            }
            return new Child(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readAllLines(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
