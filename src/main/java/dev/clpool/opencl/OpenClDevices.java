package dev.clpool.opencl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Finds the OpenCL devices of this machine: all of them, the automatic choice, by name or by index. */
public final class OpenClDevices {
    private OpenClDevices() {
    }

    /**
     * Every device of every platform, in {@code clGetPlatformIDs} / {@code clGetDeviceIDs} order.
     *
     * @throws OpenClUnavailableException when there is no OpenCL loader library or no platform
     */
    public static List<DeviceInfo> list() {
        return discover().stream().map(ClDevice::info).toList();
    }

    /** Every device, or none when OpenCL is unavailable. */
    public static List<DeviceInfo> listOrEmpty() {
        try {
            return list();
        } catch (OpenClUnavailableException e) {
            return List.of();
        }
    }

    /** The device that {@code auto} and {@code opencl} pick: the first GPU, else the first accelerator, else the first device. */
    public static DeviceInfo automaticChoice() {
        return automatic(discover()).info();
    }

    /**
     * The first device whose name contains {@code fragment}, ignoring case.
     *
     * @throws OpenClUnavailableException when OpenCL is missing or no device matches, listing the devices
     */
    public static DeviceInfo named(String fragment) {
        List<ClDevice> all = discover();
        return all.stream().filter(d -> d.info().nameContains(fragment)).findFirst().map(ClDevice::info)
                .orElseThrow(() -> new OpenClUnavailableException("no OpenCL device's name contains '" + fragment
                        + "'; devices: " + names(all)));
    }

    /**
     * Device {@code device} of platform {@code platform}, as {@code clpool devices} numbers them.
     *
     * @throws OpenClUnavailableException when OpenCL is missing or there is no such device, listing the devices
     */
    public static DeviceInfo indexed(int platform, int device) {
        List<ClDevice> all = discover();
        return all.stream().filter(d -> d.info().platformIndex() == platform && d.info().deviceIndex() == device)
                .findFirst().map(ClDevice::info)
                .orElseThrow(() -> new OpenClUnavailableException("no OpenCL device " + platform + ":" + device
                        + "; devices: " + names(all)));
    }

    /** The handles of a device {@link #list()} reported. */
    static ClDevice handles(DeviceInfo info) {
        return discover().stream().filter(d -> d.info().index().equals(info.index())).findFirst()
                .orElseThrow(() -> new OpenClUnavailableException("OpenCL device " + info.describe() + " is gone"));
    }

    private static ClDevice automatic(List<ClDevice> all) {
        return all.stream().min(Comparator.comparingInt(d -> switch (d.info().type()) {
            case "GPU" -> 0;
            case "ACCELERATOR" -> 1;
            default -> 2;
        })).orElseThrow();
    }

    private static String names(List<ClDevice> all) {
        return String.join(", ", all.stream().map(d -> d.info().describe()).toList());
    }

    static List<ClDevice> discover() {
        OpenClLoader.Library library = OpenClLoader.load();
        cl_platform_id[] platforms;
        try {
            platforms = platforms();
        } catch (LinkageError | UnsupportedOperationException e) {
            throw new OpenClUnavailableException("JOCL could not use the OpenCL library " + library + " ("
                    + e.getMessage() + "); " + OpenClUnavailableException.INSTALL_HINT, e);
        }
        if (platforms.length == 0) {
            throw new OpenClUnavailableException("OpenCL is installed but reports no platform; "
                    + OpenClUnavailableException.INSTALL_HINT);
        }
        List<ClDevice> devices = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            cl_platform_id platform = platforms[p];
            String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
            cl_device_id[] ids = devices(platform);
            for (int d = 0; d < ids.length; d++) {
                devices.add(new ClDevice(platform, ids[d], describe(p, d, platformName, ids[d])));
            }
        }
        if (devices.isEmpty()) {
            throw new OpenClUnavailableException("OpenCL platforms were found but no device; "
                    + OpenClUnavailableException.INSTALL_HINT);
        }
        return devices;
    }

    private static cl_platform_id[] platforms() {
        int[] count = new int[1];
        int status = CL.clGetPlatformIDs(0, null, count);
        if (status == CL.CL_PLATFORM_NOT_FOUND_KHR || count[0] == 0) {
            return new cl_platform_id[0];
        }
        Cl.check(status, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        Cl.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        return platforms;
    }

    private static cl_device_id[] devices(cl_platform_id platform) {
        int[] count = new int[1];
        int status = CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
        if (status == CL.CL_DEVICE_NOT_FOUND || count[0] == 0) {
            return new cl_device_id[0];
        }
        Cl.check(status, "clGetDeviceIDs");
        cl_device_id[] ids = new cl_device_id[count[0]];
        Cl.check(CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
        return ids;
    }

    private static DeviceInfo describe(int p, int d, String platformName, cl_device_id id) {
        long type = deviceLong(id, CL.CL_DEVICE_TYPE);
        String typeName = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR"
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "OTHER";
        long fpConfig = deviceLong(id, CL.CL_DEVICE_SINGLE_FP_CONFIG);
        String extensions = deviceString(id, CL.CL_DEVICE_EXTENSIONS);
        return new DeviceInfo(p, d, platformName,
                deviceString(id, CL.CL_DEVICE_NAME), deviceString(id, CL.CL_DEVICE_VENDOR), typeName,
                deviceString(id, CL.CL_DEVICE_VERSION), deviceString(id, CL.CL_DRIVER_VERSION),
                deviceString(id, CL.CL_DEVICE_OPENCL_C_VERSION),
                deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE), deviceLong(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                (fpConfig & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                deviceInt(id, CL.CL_DEVICE_HOST_UNIFIED_MEMORY) != 0 || typeName.equals("CPU"),
                extensions, pciBusId(id, extensions), uuid(id, extensions));
    }

    // Device identity queries JOCL 2.0.5 has no constants for (cl_khr_pci_bus_info, cl_khr_device_uuid,
    // cl_nv_device_attribute_query, cl_amd_device_attribute_query).
    private static final int CL_DEVICE_PCI_BUS_INFO_KHR = 0x410F;
    private static final int CL_DEVICE_UUID_KHR = 0x106A;
    private static final int CL_DEVICE_PCI_BUS_ID_NV = 0x4008;
    private static final int CL_DEVICE_PCI_SLOT_ID_NV = 0x4009;
    private static final int CL_DEVICE_PCI_DOMAIN_ID_NV = 0x400A;
    private static final int CL_DEVICE_TOPOLOGY_AMD = 0x4037;

    /** {@code dddd:bb:dd.f}, as Linux and {@code nvidia-smi} write PCI addresses, or "" where the driver says nothing. */
    private static String pciBusId(cl_device_id id, String extensions) {
        String ext = " " + extensions + " ";
        if (ext.contains(" cl_khr_pci_bus_info ")) {
            int[] info = new int[4]; // domain, bus, device, function
            if (CL.clGetDeviceInfo(id, CL_DEVICE_PCI_BUS_INFO_KHR, 4L * Sizeof.cl_uint, Pointer.to(info), null) == CL.CL_SUCCESS) {
                return pciAddress(info[0], info[1], info[2], info[3]);
            }
        }
        if (ext.contains(" cl_nv_device_attribute_query ")) {
            int[] bus = new int[1];
            int[] slot = new int[1];
            int[] domain = new int[1];
            if (CL.clGetDeviceInfo(id, CL_DEVICE_PCI_BUS_ID_NV, Sizeof.cl_uint, Pointer.to(bus), null) == CL.CL_SUCCESS
                    && CL.clGetDeviceInfo(id, CL_DEVICE_PCI_SLOT_ID_NV, Sizeof.cl_uint, Pointer.to(slot), null) == CL.CL_SUCCESS) {
                boolean hasDomain = CL.clGetDeviceInfo(id, CL_DEVICE_PCI_DOMAIN_ID_NV, Sizeof.cl_uint, Pointer.to(domain), null)
                        == CL.CL_SUCCESS;
                // The slot id packs device and function as (device << 3) | function.
                return pciAddress(hasDomain ? domain[0] : 0, bus[0], slot[0] >>> 3, slot[0] & 7);
            }
        }
        if (ext.contains(" cl_amd_device_attribute_query ")) {
            byte[] topology = new byte[24]; // cl_device_topology_amd: type, then bus, device, function at 21..23
            if (CL.clGetDeviceInfo(id, CL_DEVICE_TOPOLOGY_AMD, topology.length, Pointer.to(topology), null) == CL.CL_SUCCESS
                    && topology[0] == 1) { // CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD
                return pciAddress(0, topology[21] & 0xff, topology[22] & 0xff, topology[23] & 0xff);
            }
        }
        return "";
    }

    static String pciAddress(int domain, int bus, int device, int function) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    private static String uuid(cl_device_id id, String extensions) {
        if (!(" " + extensions + " ").contains(" cl_khr_device_uuid ")) {
            return "";
        }
        byte[] uuid = new byte[16];
        if (CL.clGetDeviceInfo(id, CL_DEVICE_UUID_KHR, uuid.length, Pointer.to(uuid), null) != CL.CL_SUCCESS) {
            return "";
        }
        return HexFormat.of().formatHex(uuid);
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        Cl.check(CL.clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo(" + param + ")");
        byte[] bytes = new byte[(int) size[0]];
        Cl.check(CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null), "clGetPlatformInfo(" + param + ")");
        return cString(bytes);
    }

    static String deviceString(cl_device_id id, int param) {
        long[] size = new long[1];
        Cl.check(CL.clGetDeviceInfo(id, param, 0, null, size), "clGetDeviceInfo(" + param + ")");
        byte[] bytes = new byte[(int) size[0]];
        Cl.check(CL.clGetDeviceInfo(id, param, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo(" + param + ")");
        return cString(bytes);
    }

    /** Reads a {@code cl_ulong}, {@code size_t} or bitfield property (8 bytes on 64-bit hosts). */
    private static long deviceLong(cl_device_id id, int param) {
        long[] value = new long[1];
        Cl.check(CL.clGetDeviceInfo(id, param, Sizeof.cl_ulong, Pointer.to(value), null), "clGetDeviceInfo(" + param + ")");
        return value[0];
    }

    private static int deviceInt(cl_device_id id, int param) {
        int[] value = new int[1];
        Cl.check(CL.clGetDeviceInfo(id, param, Sizeof.cl_uint, Pointer.to(value), null), "clGetDeviceInfo(" + param + ")");
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8).strip();
    }
}
