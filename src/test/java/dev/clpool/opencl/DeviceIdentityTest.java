package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.testing.TestDevices;
import org.junit.jupiter.api.Test;

/** PCI addresses are written as Linux and nvidia-smi write them, and devices that report none say so with "". */
class DeviceIdentityTest {
    @Test
    void pciAddressesAreWrittenAsLinuxWritesThem() {
        assertEquals("0000:65:00.0", OpenClDevices.pciAddress(0, 0x65, 0, 0));
        assertEquals("0001:af:1f.7", OpenClDevices.pciAddress(1, 0xaf, 0x1f, 7));
    }

    @Test
    void everyDeviceHasAWellFormedIdentityOrNone() {
        TestDevices.openCl();
        for (DeviceInfo d : OpenClDevices.list()) {
            assertTrue(d.pciBusId().isEmpty() || d.pciBusId().matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"), d.pciBusId());
            assertTrue(d.uuid().isEmpty() || d.uuid().matches("[0-9a-f]{32}"), d.uuid());
        }
    }
}
