package dev.clpool.spi;

/**
 * What one device of a backend has done since it opened: how the work of several devices was split.
 *
 * @param device the device, as its backend describes it
 * @param chunks chunks of whole planes it computed
 * @param bytes input bytes of those chunks
 */
public record DeviceShare(String device, long chunks, long bytes) {
}
