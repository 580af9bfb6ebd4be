package dev.clpool.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** An OpenCL device: its handles (not owned: devices are not released) and what it reports. */
record ClDevice(cl_platform_id platform, cl_device_id id, DeviceInfo info) {
}
