#!/usr/bin/python3
"""Build a small split CNN (backbone.onnx | adaptive concat pool | head.onnx)
and PyTorch reference outputs for an end-to-end clpool + ONNX Runtime test.

ONNX has no adaptive pooling, and torch.onnx cannot export
adaptive_{avg,max}_pool2d when the output size does not divide the input
size. So the model is cut at the pooling layer:

    input --backbone.onnx--> features --clpool (avg, max)--> head.onnx --> logits

The pool is fastai's AdaptiveConcatPool2d pattern:
    torch.cat([F.adaptive_avg_pool2d(f, S), F.adaptive_max_pool2d(f, S)], 1)
but head.onnx takes the two halves as separate inputs `avg` and `max` and
concatenates them itself, so the Java side does not have to.

Run from the repository root:
    /usr/bin/python3 scripts/onnx-pipeline/make_pipeline.py
Everything is computed on CPU in float32; output is deterministic given SEED.
"""

import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240601
POOL = (5, 7)  # (out_h, out_w) of both adaptive pools
OPSET = 13
NUM_CLASSES = 10

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "test-data", "onnx-pipeline")


class Backbone(nn.Module):
    """3 -> 16 -> 24 (stride 2) -> 32 channels, 3x3 convs, padding 1, ReLU."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 24, 3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(24, 32, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.relu(self.conv3(x))
        return x


FEAT_C = 32


class Head(nn.Module):
    """(avg, max) each (N, 32, 5, 7) -> cat dim 1 -> flatten -> 2240 -> 32 -> 10."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2 * FEAT_C * POOL[0] * POOL[1], 32)
        self.fc2 = nn.Linear(32, NUM_CLASSES)

    def forward(self, avg, mx):
        x = torch.cat([avg, mx], dim=1)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class Whole(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, x):
        f = self.backbone(x)
        # AdaptiveConcatPool2d: cat([avg, max], 1); the head does the cat.
        return self.head(F.adaptive_avg_pool2d(f, POOL), F.adaptive_max_pool2d(f, POOL))


def feature_hw(h, w):
    # conv1/conv3 keep size; conv2: k=3, s=2, p=1 -> floor((n - 1) / 2) + 1
    return (h - 1) // 2 + 1, (w - 1) // 2 + 1


def make_inputs(gen):
    """Cases with different spatial sizes; feature H, W never divisible by POOL."""
    cases = []
    # 0: plain Gaussian.
    cases.append(("gaussian", torch.randn(2, 3, 61, 47, generator=gen)))
    # 1: tie-prone: values quantized to multiples of 1/4 and a large constant
    #    patch, so the features hold many exactly equal values (not only the
    #    zeros from ReLU) -> exercises the first-index tie rule of max.
    x = torch.round(torch.randn(1, 3, 45, 45, generator=gen) * 4) / 4
    x[:, :, 5:40, 8:38] = torch.tensor([0.75, -0.5, 0.25]).view(1, 3, 1, 1)
    cases.append(("quantized-ties", x))
    # 2: wide input, batch 3, scaled up.
    cases.append(("wide", 2.0 * torch.randn(3, 3, 37, 85, generator=gen)))
    # 3: feature map (4 x 5) smaller than the pool (5 x 7): bins repeat rows/cols.
    cases.append(("smaller-than-pool", torch.randn(1, 3, 7, 9, generator=gen)))
    return cases


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def save_npy(name, t, dtype):
    a = np.ascontiguousarray(t.detach().cpu().numpy().astype(dtype))
    path = os.path.join(OUT_DIR, name)
    np.save(path, a, allow_pickle=False)
    return {"file": name, "shape": list(a.shape), "dtype": np.dtype(dtype).str, "sha256": sha256(path)}


# ---------------------------------------------------------------------------
# Minimal NumPy evaluator for the exported graphs (onnxruntime is not
# installable here and onnx 1.12 has no reference evaluator). It implements
# only the ops these graphs use and fails loudly on anything else.
# ---------------------------------------------------------------------------

def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, a):
    assert a.get("group", 1) == 1
    kh, kw = w.shape[2:]
    assert tuple(a.get("kernel_shape", (kh, kw))) == (kh, kw)
    sh, sw = a.get("strides", (1, 1))
    dh, dw = a.get("dilations", (1, 1))
    assert (dh, dw) == (1, 1)
    pt, pl, pb, pr = a.get("pads", (0, 0, 0, 0))
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    n, c, h, wd = x.shape
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, w.shape[0], oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j].astype(np.float64))
    if b is not None:
        out += b.astype(np.float64).reshape(1, -1, 1, 1)
    return out


def run_onnx_numpy(model, feeds):
    env = dict(feeds)
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            r = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "Relu":
            r = np.maximum(ins[0], 0)
        elif op == "Concat":
            r = np.concatenate(ins, axis=a["axis"])
        elif op == "Flatten":
            ax = a.get("axis", 1)
            r = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, B = ins[0].astype(np.float64), ins[1].astype(np.float64)
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            r = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                r = r + a.get("beta", 1.0) * ins[2].astype(np.float64)
        else:
            raise NotImplementedError("op %s not handled by the NumPy checker" % op)
        assert len(node.output) == 1
        env[node.output[0]] = r
    return [env[o.name] for o in model.graph.output]


def describe_io(model):
    def dims(vi):
        return [d.dim_param if d.dim_param else d.dim_value for d in vi.type.tensor_type.shape.dim]
    return {
        "inputs": {vi.name: dims(vi) for vi in model.graph.input},
        "outputs": {vi.name: dims(vi) for vi in model.graph.output},
        "ops": sorted({n.op_type for n in model.graph.node}),
    }


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)

    backbone = Backbone().float().eval()
    head = Head().float().eval()
    whole = Whole(backbone, head).eval()

    # --- export -----------------------------------------------------------
    bb_path = os.path.join(OUT_DIR, "backbone.onnx")
    head_path = os.path.join(OUT_DIR, "head.onnx")
    with torch.no_grad():
        torch.onnx.export(
            backbone, (torch.zeros(1, 3, 61, 47),), bb_path,
            input_names=["input"], output_names=["features"],
            dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                          "features": {0: "batch", 2: "feat_height", 3: "feat_width"}},
            opset_version=OPSET, do_constant_folding=True)
        dummy = torch.zeros(1, FEAT_C, *POOL)
        torch.onnx.export(
            head, (dummy, dummy), head_path,
            input_names=["avg", "max"], output_names=["logits"],
            dynamic_axes={"avg": {0: "batch"}, "max": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True)
    bb_model, head_model = onnx.load(bb_path), onnx.load(head_path)
    onnx.checker.check_model(bb_model, full_check=True)
    onnx.checker.check_model(head_model, full_check=True)

    # --- reference data ---------------------------------------------------
    gen = torch.Generator().manual_seed(SEED + 1)
    manifest_cases = []
    worst = {"features_onnx_vs_torch": 0.0, "logits_onnx_vs_torch": 0.0, "logits_split_vs_whole": 0.0}
    for i, (kind, x) in enumerate(make_inputs(gen)):
        x = x.float().contiguous()
        with torch.no_grad():
            f = backbone(x)
            avg = F.adaptive_avg_pool2d(f, POOL)
            mx, idx = F.adaptive_max_pool2d(f, POOL, return_indices=True)
            assert torch.equal(mx, F.adaptive_max_pool2d(f, POOL))
            logits = whole(x)
            split_logits = head(avg, mx)
        fh, fw = f.shape[2], f.shape[3]
        assert (fh, fw) == feature_hw(x.shape[2], x.shape[3])
        assert fh % POOL[0] != 0 and fw % POOL[1] != 0, (kind, fh, fw)
        # gathered values at the indices equal the max values
        flat = f.reshape(f.shape[0], f.shape[1], -1)
        assert torch.equal(torch.gather(flat, 2, idx.reshape(*idx.shape[:2], -1)).reshape(mx.shape), mx)

        # ONNX graphs evaluated in float64 NumPy vs the float32 torch values
        (f_onnx,) = run_onnx_numpy(bb_model, {"input": x.numpy()})
        (l_onnx,) = run_onnx_numpy(head_model, {"avg": avg.numpy(), "max": mx.numpy()})
        d_f = float(np.max(np.abs(f_onnx - f.numpy().astype(np.float64))))
        d_l = float(np.max(np.abs(l_onnx - logits.numpy().astype(np.float64))))
        d_s = float((split_logits - logits).abs().max())
        worst["features_onnx_vs_torch"] = max(worst["features_onnx_vs_torch"], d_f)
        worst["logits_onnx_vs_torch"] = max(worst["logits_onnx_vs_torch"], d_l)
        worst["logits_split_vs_whole"] = max(worst["logits_split_vs_whole"], d_s)
        assert d_f < 1e-4 and d_l < 1e-4 and d_s == 0.0, (kind, d_f, d_l, d_s)

        zero_frac = float((f == 0).float().mean())
        # bins whose max is attained more than once (tie -> first index rule)
        tie_bins = 0
        for n in range(f.shape[0]):
            for c in range(f.shape[1]):
                for oh in range(POOL[0]):
                    h0, h1 = (oh * fh) // POOL[0], -((-(oh + 1) * fh) // POOL[0])
                    for ow in range(POOL[1]):
                        w0, w1 = (ow * fw) // POOL[1], -((-(ow + 1) * fw) // POOL[1])
                        if int((f[n, c, h0:h1, w0:w1] == mx[n, c, oh, ow]).sum()) > 1:
                            tie_bins += 1

        files = {
            "input": save_npy("input-%d.npy" % i, x, "<f4"),
            "features": save_npy("features-%d.npy" % i, f, "<f4"),
            "avg": save_npy("avg-%d.npy" % i, avg, "<f4"),
            "max": save_npy("max-%d.npy" % i, mx, "<f4"),
            "max_indices": save_npy("max-indices-%d.npy" % i, idx, "<i8"),
            "logits": save_npy("logits-%d.npy" % i, logits, "<f4"),
        }
        manifest_cases.append({
            "index": i,
            "kind": kind,
            "input_shape": list(x.shape),
            "feature_shape": list(f.shape),
            "feature_hw": [fh, fw],
            "pool_output_size": list(POOL),
            "feature_zero_fraction": round(zero_frac, 4),
            "max_bins_with_ties": tie_bins,
            "max_bins_total": int(mx.numel()),
            "files": files,
        })
        print("case %d %-18s input %-16s features %-16s zeros %.2f tie-bins %d/%d  |dF| %.2e |dL| %.2e"
              % (i, kind, list(x.shape), list(f.shape), zero_frac, tie_bins, mx.numel(), d_f, d_l))

    manifest = {
        "description": "Split CNN for an end-to-end test: backbone.onnx -> adaptive concat pool "
                       "(F.adaptive_avg_pool2d and F.adaptive_max_pool2d, computed by clpool) -> head.onnx. "
                       "logits-<i>.npy is PyTorch's whole-model output (pool done by PyTorch).",
        "generator": "scripts/onnx-pipeline/make_pipeline.py",
        "computed_on": "CPU, float32 (torch.set_num_threads(1), torch.use_deterministic_algorithms(True))",
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "numpy_version": np.__version__,
        "seed": SEED,
        "input_seed": SEED + 1,
        "pool_output_size": list(POOL),
        "pool": "AdaptiveConcatPool2d pattern: cat([adaptive_avg_pool2d(f, S), adaptive_max_pool2d(f, S)], dim=1); "
                "head.onnx takes the halves as inputs 'avg' and 'max' and concatenates them (avg first)",
        "max_indices": "int64, flat index h*W+w into the feature plane (H, W) of the same (n, c), "
                       "as F.adaptive_max_pool2d(..., return_indices=True); first maximum wins ties",
        "npy_format": "NumPy .npy v1, C order, little-endian ('<f4' float32, '<i8' int64)",
        "onnx_opset": OPSET,
        "models": {
            "backbone.onnx": dict(describe_io(bb_model), sha256=sha256(bb_path),
                                  architecture="Conv2d(3,16,k3,p1)+ReLU, Conv2d(16,24,k3,s2,p1)+ReLU, "
                                               "Conv2d(24,32,k3,p1)+ReLU; features H=floor((H-1)/2)+1"),
            "head.onnx": dict(describe_io(head_model), sha256=sha256(head_path),
                              architecture="cat(avg,max; dim 1) -> flatten(2240) -> Linear(2240,32)+ReLU -> Linear(32,10)"),
        },
        "python_check": "onnxruntime unavailable; exported graphs were evaluated by a float64 NumPy "
                        "interpreter in make_pipeline.py and compared to the torch float32 outputs",
        "python_check_max_abs_diff": worst,
        "cases": manifest_cases,
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    print("max abs diffs:", worst)
    print("wrote", OUT_DIR)


if __name__ == "__main__":
    sys.exit(main())
