package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.DType;
import org.junit.jupiter.api.Test;

/** How the program of each storage type is put together, and which devices may run float64. */
class StorageProgramsTest {

    static DeviceInfo device(String extensions) {
        return new DeviceInfo(0, 0, "NVIDIA CUDA", "Some GPU", "NVIDIA Corporation", "GPU", "OpenCL 3.0 CUDA", "580.1",
                "OpenCL C 1.2", 132, 1L << 37, 1L << 35, 49152, 1024, true, false, extensions, "", "");
    }

    @Test
    void float64NeedsTheFp64ExtensionAndTheMessageNamesTheDevice() {
        DeviceInfo without = device("cl_khr_global_int32_base_atomics cl_khr_byte_addressable_store");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoragePrograms.requireSupported(DType.FLOAT64, without));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("cl_khr_fp64")
                && e.getMessage().contains("Some GPU (NVIDIA CUDA, GPU, 0:0)") && e.getMessage().contains("Java path"), e.getMessage());
        StoragePrograms.requireSupported(DType.FLOAT64, device("cl_khr_byte_addressable_store cl_khr_fp64"));
        // float16 needs no cl_khr_fp16: vload_half / vstore_half are core.
        StoragePrograms.requireSupported(DType.FLOAT16, without);
        StoragePrograms.requireSupported(DType.BFLOAT16, without);
        assertThrows(IllegalArgumentException.class, () -> StoragePrograms.requireSupported(DType.INT64, without));
    }

    @Test
    void eachTypeIsThePoolingSourcesAfterAPrelude() {
        String pooling = KernelSources.program(KernelSources.POOLING);
        String f32 = StoragePrograms.source(DType.FLOAT32);
        assertTrue(f32.startsWith(pooling), "float32 needs no prelude");
        assertTrue(f32.contains("__kernel void pyramid_staged") && f32.contains("__kernel void backward_gather"),
                "float32 programs hold the pyramid and backward kernels");
        for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64}) {
            String s = StoragePrograms.source(t);
            assertTrue(s.endsWith(pooling), t + ": the same pooling kernels");
            assertTrue(!s.contains("pyramid_staged") && !s.contains("backward_gather"), t + ": only what it can run");
            String prelude = s.substring(0, s.length() - pooling.length());
            assertTrue(prelude.contains("#define CLPOOL_ELEMENT") && prelude.contains("typedef") && prelude.contains("#define LOAD")
                    && prelude.contains("#define STORE"), t + ": " + prelude);
        }
        assertTrue(StoragePrograms.prelude(DType.FLOAT16).contains("vload_half") && StoragePrograms.prelude(DType.FLOAT16).contains("vstore_half_rte"));
        assertTrue(!StoragePrograms.prelude(DType.FLOAT16).contains("#pragma"), "no fp16 extension needed");
        assertTrue(StoragePrograms.prelude(DType.FLOAT64).contains("cl_khr_fp64 : enable"));
        assertTrue(KernelSources.POOLING.contains("channels_last.cl") && KernelSources.POOLING.contains("segments.cl"));
        assertEquals(8, StoragePrograms.accumulatorBytes(DType.FLOAT64));
        assertEquals(4, StoragePrograms.accumulatorBytes(DType.FLOAT16));
    }
}
