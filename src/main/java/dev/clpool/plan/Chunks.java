package dev.clpool.plan;

import dev.clpool.tensor.Shape;

/**
 * An operation over {@code units} independent units (whole planes, or for channels last whole batch
 * elements) cut into chunks that fit a device's largest allocation: the one place where host tensors
 * are split for a device. Chunks are numbered, so that each of several devices can take the next one.
 *
 * @param units how many units
 * @param perChunk units in every chunk but the last
 */
public record Chunks(long units, long perChunk) {

    /** Units {@code [first, first + count)}. */
    public record Chunk(long first, long count) {
    }

    /**
     * Chunks of as many units as fit in {@code capBytes}, the largest allocation.
     *
     * @param unitBytes the largest buffer one unit needs on the device (input, values or indices)
     * @param parameter the parameter the error names, e.g. {@code input}
     * @param unit what a unit is, e.g. {@code plane}
     * @param shape the shape the error names
     * @throws IllegalArgumentException when one unit alone is more than the device allocates
     */
    public static Chunks of(long units, long unitBytes, long capBytes, String parameter, String unit, Shape shape) {
        long bytes = Math.max(1, unitBytes);
        if (bytes > capBytes) {
            throw new IllegalArgumentException(parameter + ": one " + unit + " of " + shape + " needs " + bytes
                    + " bytes on the device, more than its largest allocation (" + capBytes
                    + " bytes); compute it on the Java path (device cpu)");
        }
        return new Chunks(units, Math.max(1, Math.min(units, capBytes / bytes)));
    }

    /** How many chunks. */
    public long count() {
        return units == 0 ? 0 : (units + perChunk - 1) / perChunk;
    }

    /** Chunk {@code k}. */
    public Chunk get(long k) {
        long first = k * perChunk;
        return new Chunk(first, Math.min(perChunk, units - first));
    }
}
