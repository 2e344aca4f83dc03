"""PyTorch reference timing for docs/benchmarks.md, "Models: MiniLM forward".

Runs the same BERT forward as NeuroLens (MiniLM weights from the NeuroLens cache folder written by
`neurolens model info minilm`), written with torch.nn.functional ops the way transformers' BertModel
computes it in eval mode (scaled_dot_product_attention when the torch version has it, else the
explicit softmax(QK^T/sqrt(d)+mask)V), 2 threads, inference mode, batch x sequence random ids, {1, 8, 32} x {32, 128}.
Prints median and min milliseconds and tokens/s over 7 timed runs after 3 warm-ups.

Usage: /usr/bin/python3 tools/bert_forward_pytorch.py ~/.cache/neurolens/models/minilm-24.9.52193.0
"""
import json, math, statistics, sys, time
import torch
import torch.nn.functional as F
from safetensors_torch import load_safetensors


def forward(w, cfg, ids):
    B, T = ids.shape
    H = cfg["num_attention_heads"]; C = cfg["hidden_size"]; D = C // H; eps = cfg["layer_norm_eps"]
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:T] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = F.layer_norm(x, (C,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda t, n: F.linear(t, w[p + n + ".weight"], w[p + n + ".bias"])
        q, k, v = (lin(x, "attention.self." + n).view(B, T, H, D).transpose(1, 2) for n in ("query", "key", "value"))
        if hasattr(F, "scaled_dot_product_attention"):
            ctx = F.scaled_dot_product_attention(q, k, v)
        else:
            ctx = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D), -1) @ v
        ctx = ctx.transpose(1, 2).reshape(B, T, C)
        a = F.layer_norm(lin(ctx, "attention.output.dense") + x, (C,), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        h = F.gelu(lin(a, "intermediate.dense"))
        x = F.layer_norm(lin(h, "output.dense") + a, (C,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x

def main():
    folder = sys.argv[1]
    torch.set_num_threads(2)
    cfg = json.load(open(folder + "/config.json"))
    w = load_safetensors(folder + "/model.safetensors")
    g = torch.Generator().manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for batch in (1, 8, 32):
        for seq in (32, 128):
            ids = torch.randint(1000, 30000, (batch, seq), generator=g)
            times = []
            with torch.inference_mode():
                for r in range(10):
                    t0 = time.perf_counter(); forward(w, cfg, ids); t1 = time.perf_counter()
                    if r >= 3:
                        times.append(t1 - t0)
            med = statistics.median(times)
            print(f"batch {batch} x {seq}: median {med*1e3:.2f} ms, min {min(times)*1e3:.2f} ms, {batch*seq/med:.0f} tokens/s", flush=True)

main()
