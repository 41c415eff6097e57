"""Measures the GPU ceilings the performance model's architecture constants stand on.

What a decode or prefill step of vLLM costs is weights and KV bytes read from HBM, tensor-core work, and fixed
costs per kernel. This script measures each in isolation on one GPU, with PyTorch's own kernels (cuBLAS GEMMs,
FlashAttention through scaled_dot_product_attention):

  hbm       achieved HBM read bandwidth (a reduction over a buffer far larger than L2) and copy bandwidth
  gemm      bf16 GEMM (and fp8 where torch._scaled_mm runs) over M = 1..8192 tokens against the N x K of real
            model layers: time, TFLOP/s, and the weight bytes per second the GEMM streams
  attention decode attention (one query token per sequence) over KV lengths and batch sizes: KV bytes per second;
            causal prefill attention: TFLOP/s
  launch    the time of one small kernel launched back to back (the floor under every kernel of a step)

Usage:  python3 measure.py --out DIR      (writes DIR/hopper-measurements.json and prints a summary)
Timing: CUDA events around `repeat` back-to-back calls after warm-up; the median of `rounds` such windows.
"""

import argparse
import json
import statistics
import sys

import torch

# (model, layer, N, K): output features x input features of the linear layers a decode step reads, tp 1.
# Sizes are the models' published config.json figures.
LAYERS = [
    ("Llama-3.1-8B", "qkv_proj", 6144, 4096),
    ("Llama-3.1-8B", "gate_up_proj", 28672, 4096),
    ("Llama-3.1-8B", "down_proj", 4096, 14336),
    ("Llama-3.1-70B", "qkv_proj", 10240, 8192),
    ("Llama-3.1-70B", "o_proj", 8192, 8192),
    ("Llama-3.1-70B", "gate_up_proj", 57344, 8192),
    ("Llama-3.1-70B", "down_proj", 8192, 28672),
    ("Qwen3-30B-A3B", "expert_gate_up", 1536, 2048),
    ("Qwen3-30B-A3B", "expert_down", 2048, 768),
    ("GLM-4.5-Air", "expert_gate_up", 2816, 4096),
]
TOKENS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]


def timed(fn, repeat, rounds=5, warmup=3):
    """Median seconds per call of fn over `rounds` windows of `repeat` back-to-back calls."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    samples = []
    for _ in range(rounds):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(repeat):
            fn()
        stop.record()
        torch.cuda.synchronize()
        samples.append(start.elapsed_time(stop) / 1000 / repeat)
    return statistics.median(samples)


def repeat_for(seconds_per_call, budget_s=0.05):
    return max(3, min(200, int(budget_s / max(seconds_per_call, 1e-6))))


def measure_hbm():
    out = {}
    for gib in (1, 4, 16):
        n = gib * (1 << 30) // 2
        x = torch.empty(n, dtype=torch.bfloat16, device="cuda").uniform_()
        s = timed(lambda: x.sum(dtype=torch.float32), repeat=5)
        y = torch.empty_like(x)
        c = timed(lambda: y.copy_(x), repeat=5)
        out[f"{gib}GiB"] = {"read_gbps": n * 2 / s / 1e9, "copy_gbps": 2 * n * 2 / c / 1e9}
        del x, y
        torch.cuda.empty_cache()
    return out


def measure_gemm(dtype_name):
    rows = []
    fp8 = dtype_name == "fp8"
    for model, layer, n, k in LAYERS:
        w = torch.randn(n, k, device="cuda", dtype=torch.bfloat16)
        if fp8:
            w = w.to(torch.float8_e4m3fn)
            scale = torch.ones((), device="cuda", dtype=torch.float32)
        for m in TOKENS:
            a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
            if fp8:
                if m % 16:
                    continue  # cuBLASLt's fp8 GEMM wants M a multiple of 16 in this torch
                a = a.to(torch.float8_e4m3fn)
                wt = w.t()
                fn = lambda: torch._scaled_mm(a, wt, scale_a=scale, scale_b=scale, out_dtype=torch.bfloat16)
            else:
                fn = lambda: torch.nn.functional.linear(a, w)
            try:
                once = timed(fn, repeat=3, rounds=1, warmup=1)
                s = timed(fn, repeat=repeat_for(once))
            except RuntimeError as error:  # an unsupported shape or dtype: recorded, not fatal
                rows.append({"model": model, "layer": layer, "n": n, "k": k, "m": m, "error": str(error)[:200]})
                continue
            weight_bytes = n * k * (1 if fp8 else 2)
            rows.append({
                "dtype": dtype_name, "model": model, "layer": layer, "n": n, "k": k, "m": m, "seconds": s,
                "tflops": 2 * m * n * k / s / 1e12,
                "weight_gbps": weight_bytes / s / 1e9,
            })
        del w
    return rows


def measure_attention():
    rows = []
    heads, kv_heads, dim = 64, 8, 128  # Llama-3.1-70B's attention
    for batch in (1, 8, 32, 128):
        for kv_len in (512, 2048, 8192, 32768):
            kv_bytes = 2 * batch * kv_heads * kv_len * dim * 2
            if kv_bytes > 24 * (1 << 30):
                continue
            q = torch.randn(batch, heads, 1, dim, device="cuda", dtype=torch.bfloat16)
            kk = torch.randn(batch, kv_heads, kv_len, dim, device="cuda", dtype=torch.bfloat16)
            vv = torch.randn_like(kk)
            fn = lambda: torch.nn.functional.scaled_dot_product_attention(q, kk, vv, enable_gqa=True)
            once = timed(fn, repeat=3, rounds=1, warmup=1)
            s = timed(fn, repeat=repeat_for(once))
            rows.append({"kind": "decode", "batch": batch, "kv_len": kv_len, "seconds": s, "kv_gbps": kv_bytes / s / 1e9})
            del q, kk, vv
    for seq in (1024, 4096, 8192):
        q = torch.randn(1, heads, seq, dim, device="cuda", dtype=torch.bfloat16)
        kk = torch.randn(1, kv_heads, seq, dim, device="cuda", dtype=torch.bfloat16)
        vv = torch.randn_like(kk)
        fn = lambda: torch.nn.functional.scaled_dot_product_attention(q, kk, vv, is_causal=True, enable_gqa=True)
        once = timed(fn, repeat=3, rounds=1, warmup=1)
        s = timed(fn, repeat=repeat_for(once))
        flops = 4 * heads * seq * seq * dim / 2  # QK^T and PV, causal half
        rows.append({"kind": "prefill", "batch": 1, "kv_len": seq, "seconds": s, "tflops": flops / s / 1e12})
    return rows


def measure_launch():
    x = torch.zeros(1, device="cuda")
    return {"small_kernel_us": timed(lambda: x.add_(1), repeat=1000) * 1e6}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    props = torch.cuda.get_device_properties(0)
    result = {
        "device": props.name, "sm_count": props.multi_processor_count, "memory_gib": props.total_memory / (1 << 30),
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "launch": measure_launch(), "hbm": measure_hbm(),
        "gemm_bf16": measure_gemm("bf16"), "gemm_fp8": measure_gemm("fp8"),
        "attention": measure_attention(),
    }
    with open(f"{args.out}/hopper-measurements.json", "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({k: result[k] for k in ("device", "torch", "cuda", "launch", "hbm")}, indent=1))
    for row in result["gemm_bf16"] + result["gemm_fp8"]:
        if "error" not in row and row["m"] in (1, 16, 64, 256, 1024, 8192):
            print(f'{row["model"]:14} {row["layer"]:15} m={row["m"]:5} {row["tflops"]:7.1f} TF/s {row["weight_gbps"]:7.0f} GB/s')
    for row in result["attention"]:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
