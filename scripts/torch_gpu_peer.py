"""PyTorch CUDA on the GPU suite, timed in the same run as clpool's benchmark (BENCHMARKS.md).

For each shape: adaptive_avg_pool2d and adaptive_max_pool2d(return_indices=True), on NCHW and on
channels-last (NHWC) inputs, in each of --dtypes (default float32; e.g. float32,float16,bfloat16, to
match clpool's bench --dtype rows); median of --runs CUDA-event timings after a warm-up. Prints a table
and writes a JSON list of records (shape, output_size, mode, layout, dtype, kernel_ms_median).
"""
import argparse
import json
import statistics

import torch
import torch.nn.functional as F

GPU_SUITE = [((64, 512, 14, 14), 7), ((128, 2048, 7, 7), 1), ((32, 256, 56, 56), 7), ((256, 512, 28, 28), 7),
             ((64, 64, 224, 224), 7), ((256, 2048, 14, 14), 1), ((32, 512, 64, 64), 6), ((256, 512, 7, 7), 7)]


def time_ms(fn, runs):
    for _ in range(5):
        fn()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--json")
    parser.add_argument("--dtypes", default="float32", help="comma-separated: float32, float16, bfloat16, float64")
    args = parser.parse_args()
    dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    print(f"PyTorch {torch.__version__} on {torch.cuda.get_device_name()}, median of {args.runs} CUDA-event timings, ms")
    records = []
    for shape, out in GPU_SUITE:
        for dtype in dtypes:
            x = torch.randn(shape, device="cuda").to(getattr(torch, dtype))
            for layout, tensor in (("NCHW", x), ("NHWC", x.contiguous(memory_format=torch.channels_last))):
                for mode, fn in (("avg", lambda t=tensor: F.adaptive_avg_pool2d(t, out)),
                                 ("max", lambda t=tensor: F.adaptive_max_pool2d(t, out, return_indices=True))):
                    ms = time_ms(fn, args.runs)
                    label = "[" + ",".join(map(str, shape)) + "]"
                    records.append({"shape": label, "output_size": f"{out}x{out}", "mode": mode, "layout": layout,
                                    "dtype": dtype, "kernel_ms_median": ms})
                    print(f"{label}->{out}x{out} {mode} {dtype} {layout} {ms:.4f}")
            del x
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)


if __name__ == "__main__":
    main()
