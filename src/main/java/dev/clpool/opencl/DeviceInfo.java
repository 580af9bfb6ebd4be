package dev.clpool.opencl;

import java.util.Locale;

/**
 * What clpool knows of one OpenCL device, as {@code clGetDeviceInfo} reports it.
 *
 * @param platformIndex the platform's position in {@code clGetPlatformIDs}, from 0
 * @param deviceIndex the device's position on its platform, from 0
 * @param platformName e.g. {@code NVIDIA CUDA}
 * @param name e.g. {@code NVIDIA H200}
 * @param vendor the device vendor
 * @param type {@code GPU}, {@code CPU}, {@code ACCELERATOR} or {@code OTHER}
 * @param version {@code CL_DEVICE_VERSION}
 * @param driverVersion {@code CL_DRIVER_VERSION}
 * @param openclCVersion {@code CL_DEVICE_OPENCL_C_VERSION}
 * @param computeUnits {@code CL_DEVICE_MAX_COMPUTE_UNITS}
 * @param globalMemoryBytes {@code CL_DEVICE_GLOBAL_MEM_SIZE}
 * @param maxAllocationBytes {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}, the largest single buffer
 * @param localMemoryBytes {@code CL_DEVICE_LOCAL_MEM_SIZE}
 * @param maxWorkGroupSize {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}
 * @param correctlyRoundedDivide whether {@code -cl-fp32-correctly-rounded-divide-sqrt} is supported
 * @param hostUnifiedMemory whether the device works in host memory ({@code CL_DEVICE_HOST_UNIFIED_MEMORY}):
 *     CPUs and integrated GPUs
 * @param extensions {@code CL_DEVICE_EXTENSIONS}
 * @param pciBusId the device's PCI address as {@code dddd:bb:dd.f} (lower-case hex), from
 *     {@code cl_khr_pci_bus_info}, NVIDIA's or AMD's own query; empty where the driver reports none
 * @param uuid the device's UUID as 32 lower-case hex digits ({@code cl_khr_device_uuid}); empty where unknown
 */
public record DeviceInfo(int platformIndex, int deviceIndex, String platformName, String name, String vendor,
                         String type, String version, String driverVersion, String openclCVersion,
                         int computeUnits, long globalMemoryBytes, long maxAllocationBytes, long localMemoryBytes,
                         long maxWorkGroupSize, boolean correctlyRoundedDivide, boolean hostUnifiedMemory,
                         String extensions, String pciBusId, String uuid) {

    /** {@code P:D}, the form {@code --device} takes. */
    public String index() {
        return platformIndex + ":" + deviceIndex;
    }

    public boolean isGpu() {
        return type.equals("GPU");
    }

    public boolean hasExtension(String extension) {
        return (" " + extensions + " ").contains(" " + extension + " ");
    }

    /** {@code NVIDIA H200 (NVIDIA CUDA, GPU, 0:0)}. */
    public String describe() {
        return name + " (" + platformName + ", " + type + ", " + index() + ")";
    }

    boolean nameContains(String fragment) {
        return name.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT));
    }
}
