package dev.clpool.stream;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Runs a computation over tensors of any size a chunk at a time: inputs read from {@link ChunkSource}s,
 * results written to {@link ChunkSink}s, each chunk whole planes (whole batch elements in channels last) of
 * every tensor, so that a computation that treats every plane on its own (pooling, its backward pass) gives
 * the results of computing the whole tensors at once.
 *
 * <p>Reading, computing and writing overlap, double-buffered: while one thread writes chunk k's results, the
 * calling thread computes chunk k + 1 and another thread reads (maps and pages in) chunk k + 2. At most two
 * chunks of inputs and two of results exist at a time, whatever the tensors' sizes. A failure anywhere (a
 * source, the step, a sink) stops every stage and is rethrown; the sinks are then closed uncommitted, so
 * file results leave nothing behind. On success every sink is committed, in order.
 */
public final class ChunkStream {
    /** Input chunks alive at once: one being computed, one read ahead. */
    private static final int INPUT_CHUNKS = 2;
    /** Result chunks alive at once: one being written, one being computed. */
    private static final int RESULT_CHUNKS = 2;

    private ChunkStream() {
    }

    /**
     * One result of a run: its dtype, logical shape and layout, and where it is written.
     *
     * @param name for messages, e.g. {@code values}
     */
    public record Output(String name, DType dtype, Shape shape, Layout layout, ChunkSink.Opener sink) {
        public Output {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(sink, "sink");
        }
    }

    /**
     * Where a chunk lies in the run's tensors.
     *
     * @param index its number, from 0
     * @param firstUnit its first unit (plane, or batch element in channels last)
     * @param units how many units it has
     */
    public record Chunk(long index, long firstUnit, long units) {
    }

    /** The computation of one chunk: from its inputs (in the sources' order) into its results (in the outputs' order). */
    @FunctionalInterface
    public interface Step {
        void compute(Chunk chunk, List<Tensor> inputs, List<Tensor> results) throws IOException;
    }

    /**
     * Runs {@code step} over every chunk of the inputs and outputs, which must all have as many units (planes,
     * or batch elements in channels last, of their last {@code spatialRank} dimensions).
     *
     * @throws IllegalArgumentException when the tensors' units differ, or one unit needs more than 2 GiB
     */
    public static StreamResult run(int spatialRank, List<ChunkSource> inputs, List<Output> outputs, Step step,
                                   StreamOptions options) throws IOException {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(options, "options");
        List<Cut> inCuts = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ChunkSource s = inputs.get(i);
            inCuts.add(Cut.of("inputs[" + i + "]", s.dtype(), s.shape(), s.layout(), spatialRank));
        }
        List<Cut> outCuts = new ArrayList<>();
        for (Output o : outputs) {
            outCuts.add(Cut.of(o.name(), o.dtype(), o.shape(), o.layout(), spatialRank));
        }
        Plan plan = Plan.of(inCuts, outCuts, options.chunkBytes());
        long start = System.nanoTime();
        try (Sinks sinks = Sinks.open(outputs)) {
            if (plan.chunks() > 0) {
                new Run(plan, inputs, sinks.list, step, options.progress()).execute();
            }
            sinks.commit();
        }
        return new StreamResult(plan.chunks(), plan.bytesRead(), plan.bytesWritten(), System.nanoTime() - start);
    }

    /**
     * How the tensors are cut: {@code perChunk} units a chunk (the last may have fewer).
     */
    private record Plan(List<Cut> inputs, List<Cut> outputs, long units, long perChunk) {
        static Plan of(List<Cut> inputs, List<Cut> outputs, long chunkBytes) {
            List<Cut> all = new ArrayList<>(inputs);
            all.addAll(outputs);
            if (all.isEmpty()) {
                throw new IllegalArgumentException("inputs, outputs: a run needs at least one tensor");
            }
            long units = all.get(0).units();
            long largest = 1;
            for (Cut c : all) {
                if (c.units() != units) {
                    throw new IllegalArgumentException(c.name() + ": " + c.units() + " units (planes, or batch elements in"
                            + " channels last) where " + all.get(0).name() + " has " + units);
                }
                if (c.unitBytes() > ChunkBuffer.MAX_BYTES) {
                    throw new IllegalArgumentException(c.name() + ": one unit " + c.unit() + " is " + c.unitBytes()
                            + " bytes, more than one chunk holds (2 GiB)");
                }
                largest = Math.max(largest, c.unitBytes());
            }
            long perChunk = Math.max(1, Math.min(chunkBytes, ChunkBuffer.MAX_BYTES) / largest);
            return new Plan(inputs, outputs, units, Math.min(perChunk, Math.max(1, units)));
        }

        long chunks() {
            return (units + perChunk - 1) / perChunk;
        }

        long unitsOf(long chunk) {
            return Math.min(perChunk, units - chunk * perChunk);
        }

        long bytesRead() {
            return inputs.stream().mapToLong(Cut::bytes).sum();
        }

        long bytesWritten() {
            return outputs.stream().mapToLong(Cut::bytes).sum();
        }

        long chunkBytes(List<Cut> cuts, long n) {
            return cuts.stream().mapToLong(c -> n * c.unitBytes()).sum();
        }
    }

    /** The opened sinks, closed together (uncommitted ones discard what they got). */
    private static final class Sinks implements AutoCloseable {
        final List<ChunkSink> list = new ArrayList<>();

        static Sinks open(List<Output> outputs) throws IOException {
            Sinks sinks = new Sinks();
            try {
                for (Output o : outputs) {
                    sinks.list.add(Objects.requireNonNull(o.sink().open(o.dtype(), o.shape(), o.layout()), o.name()));
                }
                return sinks;
            } catch (IOException | RuntimeException | Error e) {
                sinks.closeAll(e);
                throw e;
            }
        }

        void commit() throws IOException {
            for (ChunkSink s : list) {
                s.commit();
            }
        }

        private void closeAll(Throwable failure) {
            for (ChunkSink s : list) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (ChunkSink s : list) {
                try {
                    s.close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** One execution of a plan: the three stages and what passes between them. */
    private static final class Run {
        private record Read(Chunk chunk, List<Tensor> raw) {
        }

        private record Computed(Chunk chunk, List<Tensor> results, ResultBuffers buffers) {
        }

        /** The memory of one chunk's results, one buffer per output, reused. */
        private static final class ResultBuffers {
            final List<ChunkBuffer> buffers = new ArrayList<>();
        }

        private final Plan plan;
        private final List<ChunkSource> sources;
        private final List<ChunkSink> sinks;
        private final Step step;
        private final ProgressListener progress;
        private final Semaphore inputPermits = new Semaphore(INPUT_CHUNKS);
        private final BlockingQueue<Read> read = new ArrayBlockingQueue<>(INPUT_CHUNKS);
        private final BlockingQueue<Computed> computed = new ArrayBlockingQueue<>(RESULT_CHUNKS);
        private final BlockingQueue<ResultBuffers> free = new LinkedBlockingQueue<>();
        private int resultBuffers;

        Run(Plan plan, List<ChunkSource> sources, List<ChunkSink> sinks, Step step, ProgressListener progress) {
            this.plan = plan;
            this.sources = sources;
            this.sinks = sinks;
            this.step = step;
            this.progress = progress;
        }

        void execute() throws IOException {
            try (Pipeline pipeline = new Pipeline()) {
                pipeline.start("clpool-stream-read", () -> read(pipeline));
                pipeline.start("clpool-stream-write", () -> write(pipeline));
                pipeline.run(() -> compute(pipeline));
                pipeline.finish();
            }
        }

        private void read(Pipeline pipeline) throws IOException, InterruptedException {
            for (long k = 0; k < plan.chunks(); k++) {
                pipeline.acquire(inputPermits);
                Chunk chunk = new Chunk(k, k * plan.perChunk(), plan.unitsOf(k));
                List<Tensor> raw = new ArrayList<>();
                for (int i = 0; i < sources.size(); i++) {
                    raw.add(sources.get(i).next(Math.toIntExact(chunk.units() * plan.inputs().get(i).unitElements())));
                }
                pipeline.put(read, new Read(chunk, raw));
            }
        }

        private void compute(Pipeline pipeline) throws IOException, InterruptedException {
            for (long k = 0; k < plan.chunks(); k++) {
                Read r = pipeline.take(read);
                long n = r.chunk().units();
                List<Tensor> inputs = new ArrayList<>();
                for (int i = 0; i < r.raw().size(); i++) {
                    Cut c = plan.inputs().get(i);
                    inputs.add(r.raw().get(i).view(c.chunk(n), c.layout()));
                }
                ResultBuffers buffers = resultBuffers(pipeline);
                List<Tensor> results = new ArrayList<>();
                for (int i = 0; i < plan.outputs().size(); i++) {
                    Cut c = plan.outputs().get(i);
                    results.add(buffers.buffers.get(i).tensor(c.dtype(), c.chunk(n), c.layout()));
                }
                step.compute(r.chunk(), inputs, results);
                for (int i = 0; i < r.raw().size(); i++) {
                    sources.get(i).release(r.raw().get(i));
                }
                inputPermits.release();
                pipeline.put(computed, new Computed(r.chunk(), results, buffers));
            }
        }

        /** Free result buffers, made as needed up to {@link #RESULT_CHUNKS}, else the next the writer frees. */
        private ResultBuffers resultBuffers(Pipeline pipeline) throws InterruptedException {
            ResultBuffers b = free.poll();
            if (b != null) {
                return b;
            }
            if (resultBuffers < RESULT_CHUNKS) {
                resultBuffers++;
                b = new ResultBuffers();
                for (int i = 0; i < plan.outputs().size(); i++) {
                    b.buffers.add(new ChunkBuffer());
                }
                return b;
            }
            return pipeline.take(free);
        }

        private void write(Pipeline pipeline) throws IOException, InterruptedException {
            long total = plan.bytesRead() + plan.bytesWritten();
            long done = 0;
            for (long k = 0; k < plan.chunks(); k++) {
                Computed c = pipeline.take(computed);
                for (int i = 0; i < sinks.size(); i++) {
                    sinks.get(i).write(c.results().get(i));
                }
                free.add(c.buffers());
                done += plan.chunkBytes(plan.inputs(), c.chunk().units()) + plan.chunkBytes(plan.outputs(), c.chunk().units());
                progress.update(done, total);
            }
        }
    }
}
