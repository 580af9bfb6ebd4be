package dev.clpool.tensor;

import java.util.Locale;

/**
 * How a {@link Tensor}'s elements lie in its array. The shape is always the logical one, {@code (N, C, H, W)}
 * or {@code (N, C, D, H, W)}, as in PyTorch; the layout says which dimension varies fastest in memory.
 */
public enum Layout {
    /** C order over the logical shape, PyTorch's {@code torch.contiguous_format}: (N, C, H, W) is NCHW. The default. */
    CONTIGUOUS("contiguous"),
    /**
     * Channels last, PyTorch's {@code torch.channels_last} (4-d, NHWC) and {@code torch.channels_last_3d}
     * (5-d, NDHWC): element {@code (n, c, h, w)} of an {@code (N, C, H, W)} tensor is at
     * {@code ((n * H + h) * W + w) * C + c}. Only 4-d and 5-d tensors have it.
     */
    CHANNELS_LAST("channels_last");

    private final String label;

    Layout(String label) {
        this.label = label;
    }

    /** {@code contiguous} or {@code channels_last}. */
    public String label() {
        return label;
    }

    /**
     * Parses {@code contiguous} (also {@code nchw}, {@code ncdhw}) or {@code channels_last} (also
     * {@code nhwc}, {@code ndhwc}, {@code channels_last_3d}), in any case.
     */
    public static Layout parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "contiguous", "nchw", "ncdhw", "contiguous_format" -> CONTIGUOUS;
            case "channels_last", "channels_last_3d", "nhwc", "ndhwc" -> CHANNELS_LAST;
            default -> throw new IllegalArgumentException("layout: expected nchw (contiguous) or nhwc (channels_last), got '"
                    + text + "'");
        };
    }

    /**
     * Checks that a tensor of shape {@code logical} can have this layout.
     *
     * @throws IllegalArgumentException for channels last on a tensor that is not 4-d or 5-d
     */
    public void check(Shape logical) {
        if (this == CHANNELS_LAST && logical.rank() != 4 && logical.rank() != 5) {
            throw new IllegalArgumentException("layout: channels_last needs a 4-d (N, C, H, W) or 5-d (N, C, D, H, W) tensor,"
                    + " got shape " + logical + " (rank " + logical.rank() + ")");
        }
    }

    /** The shape in memory order: {@code (N, H, W, C)} for an {@code (N, C, H, W)} tensor in channels last. */
    public Shape physicalShape(Shape logical) {
        check(logical);
        if (this == CONTIGUOUS) {
            return logical;
        }
        long[] d = logical.toArray();
        long[] p = new long[d.length];
        p[0] = d[0];
        System.arraycopy(d, 2, p, 1, d.length - 2);
        p[d.length - 1] = d[1];
        return Shape.of(p);
    }

    /** The logical shape of a tensor whose memory order is {@code physical}: {@code (N, C, H, W)} from {@code (N, H, W, C)}. */
    public Shape logicalShape(Shape physical) {
        if (this == CONTIGUOUS) {
            return physical;
        }
        if (physical.rank() != 4 && physical.rank() != 5) {
            throw new IllegalArgumentException("layout: channels_last needs a 4-d (N, H, W, C) or 5-d (N, D, H, W, C) array,"
                    + " got shape " + physical + " (rank " + physical.rank() + ")");
        }
        long[] p = physical.toArray();
        long[] d = new long[p.length];
        d[0] = p[0];
        d[1] = p[p.length - 1];
        System.arraycopy(p, 1, d, 2, p.length - 2);
        return Shape.of(d);
    }

    @Override
    public String toString() {
        return label;
    }
}
