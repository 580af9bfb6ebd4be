package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.testing.GoldenCases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.IFactory;
import picocli.CommandLine;

/** Runs the command line in this JVM or as a separate {@code java} process, and captures what it prints. */
final class Cli {
    /** The longest a child process may run. */
    private static final long TIMEOUT_SECONDS = 120;
    /** The longest a child given JVM options may run: the big-file tests' pooling of 3 GB. */
    private static final long BIG_TIMEOUT_SECONDS = 900;

    private Cli() {
    }

    /** What a run printed and returned. */
    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        /** Exit {@code code}, and exactly one line on stderr, naming the problem (no stack trace). */
        Result failsWithOneLine(int expectedCode, String... fragments) {
            assertEquals(expectedCode, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            assertEquals(1, errLines().size(), () -> "one line on stderr, got:\n" + err);
            String line = errLines().get(0);
            assertTrue(line.startsWith("clpool"), () -> "the line names the command: " + line);
            assertFalse(line.contains("Exception") || err.contains("\tat "), () -> "no stack trace or exception name: " + err);
            for (String f : fragments) {
                assertTrue(line.contains(f), () -> "stderr line should mention '" + f + "': " + line);
            }
            return this;
        }

        Result succeeds() {
            assertEquals(ExitCodes.OK, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    /** In this JVM, as {@code Main.execute}; stdout may use Unicode. */
    static Result run(String... args) {
        return run(CommandLine.defaultFactory(), true, args);
    }

    /** In this JVM, with subcommands made by {@code factory}. */
    static Result run(IFactory factory, boolean unicode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(factory, unicode, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * As a separate process, {@code java -cp <the test classpath> dev.clpool.cli.Main args}, with extra
     * environment variables.
     */
    static Result process(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // As a user on JDK 22+ runs a library that loads native code (the jar declares it in its manifest instead).
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                Main.class.getName()));
        command.addAll(List.of(args));
        return exec(command, env);
    }

    /** {@code java -jar jar args}, as a user runs the packaged tool. */
    static Result jar(Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return exec(command, Map.of());
    }

    /** {@code java JVM_OPTIONS -jar jar args}, e.g. with {@code -Xmx64m}. */
    static Result jar(Path jar, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return exec(command, Map.of(), BIG_TIMEOUT_SECONDS);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        return exec(command, env, TIMEOUT_SECONDS);
    }

    private static Result exec(List<String> command, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("clpool-out", ".txt");
        Path err = Files.createTempFile("clpool-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Copies the golden archive's array {@code key} to {@code dir/key.npy}. */
    static Path golden(Path dir, String key) throws IOException {
        Path file = dir.resolve(key + ".npy");
        Npy.write(file, Npz.read(GoldenCases.ARCHIVE, key));
        return file;
    }

    /** The golden archive, relative to the project directory (surefire's working directory). */
    static String archive() {
        return GoldenCases.ARCHIVE.toString();
    }
}
