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
        inPieces(target, targetOffset, source, CL.CL_MAP_WRITE_INVALIDATE_REGION, source::copyTo);
    }

    @Override
    public void read(ClBuffer source, long sourceOffset, HostRegion target) {
        inPieces(source, sourceOffset, target, CL.CL_MAP_READ, target::copyFrom);
    }

    /** Copies elements {@code [from, from + count)} of a host region to or from a mapped piece. */
    @FunctionalInterface
    private interface PieceCopy {
        void copy(ByteBuffer mapped, int from, int count);
    }

    /** Maps {@code buffer} from {@code offset} in pieces the size of {@code region}'s runs, copies each, unmaps. */
    private void inPieces(ClBuffer buffer, long offset, HostRegion region, long mapFlags, PieceCopy copy) {
        int perMap = (int) (MAP_BYTES / region.elementBytes());
        for (long next = 0; next < region.length(); next += perMap) {
            int from = (int) next;
            int count = Math.min(perMap, region.length() - from);
            ByteBuffer mapped = buffer.map(queue, mapFlags, offset + (long) from * region.elementBytes(),
                    (long) count * region.elementBytes());
            try {
                copy.copy(mapped, from, count);
            } finally {
                buffer.unmap(queue, mapped);
            }
        }
    }

    @Override
    public void close() {
        // holds nothing
    }
}
