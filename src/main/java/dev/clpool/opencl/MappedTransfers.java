package dev.clpool.opencl;

import java.nio.ByteBuffer;
import org.jocl.CL;

/**
 * For devices that share host memory: buffers live in host memory ({@code CL_MEM_ALLOC_HOST_PTR}),
 * so mapping one gives the device's own bytes, which Java threads fill or drain directly, one copy
 * in all. Stateless, so calls from several threads do not contend.
 */
final class MappedTransfers implements Transfers {
    /** A Java ByteBuffer holds at most 2 GiB: map in pieces well under that. */
    private static final long MAP_BYTES = 1L << 30;

    private final ClQueue queue;

    MappedTransfers(ClQueue queue) {
        this.queue = queue;
    }

    @Override
    public long bufferFlags() {
        return CL.CL_MEM_ALLOC_HOST_PTR;
    }

    @Override
    public void write(ClBuffer target, long targetOffset, HostRegion source) {
        int perMap = (int) (MAP_BYTES / source.elementBytes());
        for (long next = 0; next < source.length(); next += perMap) {
            int from = (int) next;
            int count = Math.min(perMap, source.length() - from);
            long offset = targetOffset + (long) from * source.elementBytes();
            ByteBuffer mapped = target.map(queue, CL.CL_MAP_WRITE_INVALIDATE_REGION, offset, (long) count * source.elementBytes());
            try {
                source.copyTo(mapped, from, count);
            } finally {
                target.unmap(queue, mapped);
            }
        }
    }

    @Override
    public void read(ClBuffer source, long sourceOffset, HostRegion target) {
        int perMap = (int) (MAP_BYTES / target.elementBytes());
        for (long next = 0; next < target.length(); next += perMap) {
            int from = (int) next;
            int count = Math.min(perMap, target.length() - from);
            long offset = sourceOffset + (long) from * target.elementBytes();
            ByteBuffer mapped = source.map(queue, CL.CL_MAP_READ, offset, (long) count * target.elementBytes());
            try {
                target.copyFrom(mapped, from, count);
            } finally {
                source.unmap(queue, mapped);
            }
        }
    }

    @Override
    public void close() {
        // holds nothing
    }
}
