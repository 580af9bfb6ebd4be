package dev.clpool.tensor;

/**
 * A tensor in the memory of the device a {@code Clpool} computes on, in its host tensor's dtype and
 * layout: upload once, pool it as often and at as many output sizes as needed, download the results.
 * Closing it frees the device memory; it is usable only with the Clpool that made it, and closing that
 * Clpool closes it too. With a Clpool of several devices, it lives on the first, which {@link #device()}
 * names.
 */
public interface DeviceTensor extends AutoCloseable {
    Shape shape();

    DType dtype();

    /** How its elements lie in device memory: the layout of the host tensor it was uploaded from. */
    default Layout layout() {
        return Layout.CONTIGUOUS;
    }

    /** The device whose memory holds it, as its Clpool describes devices ({@code NAME (PLATFORM, TYPE, P:D)}). */
    String device();

    /** Frees the device memory; idempotent. */
    @Override
    void close();
}
