"""PyTorch reference timing for docs/benchmarks.md, "Models: GPT-NeoX (base preset) forward".

Runs the same GPT-NeoX forward as NeuroLens on the same weights: the folder that
bench/NeuroLens.Benchmarks/GptNeoXForwardBenchmarks.cs writes (the `base` preset, seed 0) or any
GPT-NeoX/Pythia folder with config.json + model.safetensors (F32). Written with torch.nn.functional ops
the way transformers' GPTNeoXForCausalLM computes it in eval mode with eager attention: fused
head-interleaved QKV, partial rotary (rotate-half) on the first int(head_size * rotary_pct) features,
causal additive mask, softmax(QK^T/sqrt(d) + mask)V, parallel residual x + attn(ln1 x) + mlp(ln2 x),
exact GELU, final LayerNorm, untied embed_out. 2 threads, inference mode, random ids (seeded),
batch x sequence in {1, 8, 32} x {32, 128}. Prints median and min milliseconds and tokens/s over 7 timed
runs after 3 warm-ups.

With --check LOGITS.npy it instead compares its logits for ids 0..T-1 (batch 1) with a saved array.

Usage: /usr/bin/python3 tools/gpt_neox_forward_pytorch.py /tmp/neurolens-bench/gpt-neox-base
"""
import json, math, statistics, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from safetensors_torch import load_safetensors




def rotary_tables(t, rd, theta):
    inv_freq = 1.0 / (theta ** (torch.arange(0, rd, 2, dtype=torch.int64).float() / rd))
    freqs = torch.outer(torch.arange(t, dtype=torch.int64).float(), inv_freq)
    emb = torch.cat([freqs, freqs], -1)
    return emb.cos(), emb.sin()


def rotate(x, cos, sin):
    rd = cos.shape[-1]
    rot, rest = x[..., :rd], x[..., rd:]
    half = rd // 2
    rotated = torch.cat([-rot[..., half:], rot[..., :half]], -1)
    return torch.cat([rot * cos + rotated * sin, rest], -1)


def forward(w, cfg, ids):
    B, T = ids.shape
    C = cfg["hidden_size"]; H = cfg["num_attention_heads"]; D = C // H
    eps = cfg.get("layer_norm_eps", 1e-5)
    pct = cfg.get("partial_rotary_factor", cfg.get("rotary_pct", 0.25))
    theta = cfg.get("rope_theta", cfg.get("rotary_emb_base", 10000))
    rd = int(D * pct)
    cos, sin = rotary_tables(T, rd, theta)
    mask = torch.full((T, T), torch.finfo(torch.float32).min).triu(1).view(1, 1, T, T)
    x = w["gpt_neox.embed_in.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"gpt_neox.layers.{i}."
        lin = lambda t, n: F.linear(t, w[p + n + ".weight"], w.get(p + n + ".bias"))
        ln = lambda t, n: F.layer_norm(t, (C,), w[p + n + ".weight"], w[p + n + ".bias"], eps)
        qkv = lin(ln(x, "input_layernorm"), "attention.query_key_value").view(B, T, H, 3 * D).permute(0, 2, 1, 3)
        q, k, v = qkv[..., :D], qkv[..., D:2 * D], qkv[..., 2 * D:]
        if rd > 0:
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        scores = q @ k.transpose(-1, -2) / math.sqrt(D) + mask
        ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(B, T, C)
        attn = lin(ctx, "attention.dense")
        mlp = lin(F.gelu(lin(ln(x, "post_attention_layernorm"), "mlp.dense_h_to_4h")), "mlp.dense_4h_to_h")
        if cfg.get("use_parallel_residual", True):
            x = x + attn + mlp
        else:
            raise SystemExit("sequential residual is not timed by this script")
    x = F.layer_norm(x, (C,), w["gpt_neox.final_layer_norm.weight"], w["gpt_neox.final_layer_norm.bias"], eps)
    return F.linear(x, w["embed_out.weight"])


def main():
    folder = sys.argv[1]
    torch.set_num_threads(2)
    cfg = json.load(open(folder + "/config.json"))
    w = load_safetensors(folder + "/model.safetensors")
    if len(sys.argv) > 3 and sys.argv[2] == "--check":
        expected = np.load(sys.argv[3])
        with torch.inference_mode():
            got = forward(w, cfg, torch.arange(expected.shape[1]).view(1, -1) % cfg["vocab_size"]).numpy()
        print(f"max abs difference {np.abs(got - expected).max():.3g}")
        return
    g = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for batch in (1, 8, 32):
        for seq in (32, 128):
            ids = torch.randint(0, cfg["vocab_size"], (batch, seq), generator=g)
            times = []
            with torch.inference_mode():
                for r in range(10):
                    t0 = time.perf_counter(); forward(w, cfg, ids); t1 = time.perf_counter()
                    if r >= 3:
                        times.append(t1 - t0)
            med = statistics.median(times)
            print(f"batch {batch} x {seq}: median {med*1e3:.2f} ms, min {min(times)*1e3:.2f} ms, {batch*seq/med:.0f} tokens/s", flush=True)


main()
