package dev.clpool.opencl;

/**
 * Moves array runs between the Java heap and device buffers by the fastest route the device has:
 * {@link MappedTransfers} where the device shares host memory (CPUs, integrated GPUs), else
 * {@link StagedTransfers} through pinned staging buffers.
 */
interface Transfers extends AutoCloseable {

    static Transfers forDevice(ClContext context, ClQueue queue, DeviceInfo device) {
        return device.hostUnifiedMemory() ? new MappedTransfers(queue) : new StagedTransfers(context, queue);
    }

    /** Flags for the device buffers this route fills and drains. */
    long bufferFlags();

    /** Copies {@code source} into {@code target} from byte {@code targetOffset}; returns when done. */
    void write(ClBuffer target, long targetOffset, HostRegion source);

    /** Copies bytes of {@code source} from {@code sourceOffset} into {@code target}; returns when done. */
    void read(ClBuffer source, long sourceOffset, HostRegion target);

    @Override
    void close();
}
