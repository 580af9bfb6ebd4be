package dev.clpool.spi;

/**
 * Host-device transfer rates in GB/s.
 *
 * @param pinnedWriteGbps the device's host-to-device rate from pinned memory
 * @param pinnedReadGbps the device's device-to-host rate into pinned memory
 * @param uploadGbps clpool's rate from a host tensor on the Java heap to the device
 * @param downloadGbps clpool's rate from the device to a host tensor on the Java heap
 */
public record TransferRates(double pinnedWriteGbps, double pinnedReadGbps, double uploadGbps, double downloadGbps) {
}
