#!/usr/bin/env python3
"""PyTorch reference timing for bench/NeuroLens.Benchmarks/SaeTrainingBenchmarks.cs (docs/benchmarks.md, "Emergence: SAE training").

Run from the repository root with Debian's python3-torch (1.13, CPU):

    /usr/bin/python3 tools/bench_sae_torch.py --d 384 --threads 2
    /usr/bin/python3 tools/bench_sae_torch.py --d 512 --threads 2

The same TopK SAE step as SaeTrainer.TrainStep: 16 x d latents, k = 32, --batch N(0, 1) rows per step;
pre = (x - b_dec) W_enc + b_enc (the textbook form, as SAELens and sparsify write it; --fold-bias computes it
as x W_enc + (b_enc - b_dec W_enc) in one addmm, as SaeTrainer does); top-k per row, ReLU; x_hat = sum_k v_k W_dec[i_k] + b_dec
(--decode bmm: index_select + bmm; --decode bag: F.embedding_bag with per-sample weights, sparsify's method);
loss = ||x - x_hat||^2 / ||x - mean(x)||^2 (+ with --auxk, every latent dead: 1/32 * the same for the residual
reconstructed by the top d/2 pre-activations, as SaeTrainer with a dead window of 0); backward; the gradient
component parallel to each decoder row removed; Adam (torch.optim.Adam, lr 2e-4 / sqrt(d_sae / 2^14)); decoder
rows renormalised; tokens-since-fired counters updated.
--sparse-encoder: the encoder's gradient only at the chosen pre-activations (as sparsify's FusedEncoder and
SaeTrainer): the top-k values are taken from a graph-free dense product, the loss is differentiated with
respect to them, and W_enc's gradient is accumulated with an embedding bag's backward over the chosen latents.
Prints the median and min step time over --repeat steps after --warmup steps, and tokens/s at the median.
"""
import argparse
import statistics
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--d", type=int, default=384)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=2048)
    p.add_argument("--k", type=int, default=32)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--decode", choices=["bmm", "bag"], default="bmm")
    p.add_argument("--auxk", action="store_true", help="every latent dead: the AuxK term (k_aux = d/2) on every step")
    p.add_argument("--sparse-encoder", action="store_true", help="encoder gradient only at the chosen latents (implies --fold-bias)")
    p.add_argument("--fold-bias", action="store_true",
                   help="compute (x - b_dec) W_enc + b_enc as x W_enc + (b_enc - b_dec W_enc) in one addmm, as SaeTrainer does (no [B, d_sae] x [d_sae, d] product for b_dec's gradient)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    d, n, k, b = a.d, 16 * a.d, a.k, a.batch
    g = torch.Generator().manual_seed(0)
    w_dec = torch.randn(n, d, generator=g)
    w_dec /= w_dec.norm(dim=1, keepdim=True)
    w_dec.requires_grad_(True)
    w_enc = w_dec.detach().t().contiguous().requires_grad_(True)
    b_enc = torch.zeros(n, requires_grad=True)
    b_dec = torch.zeros(d, requires_grad=True)
    opt = torch.optim.Adam([w_enc, b_enc, w_dec, b_dec], lr=2e-4 / (n / 2 ** 14) ** 0.5)
    for t in (w_enc, b_enc, w_dec, b_dec):
        t.grad = torch.zeros_like(t)  # the sparse encoder path accumulates into them
    since_fired = torch.zeros(n, dtype=torch.long)
    x = torch.randn(b, d, generator=torch.Generator().manual_seed(1))
    k_aux = d // 2
    rows_scratch = torch.zeros(n, d, requires_grad=True)

    def decode(indices, values):
        if a.decode == "bag":
            return torch.nn.functional.embedding_bag(indices, w_dec, per_sample_weights=values, mode="sum")
        rows = w_dec.index_select(0, indices.flatten()).view(b, indices.shape[1], d)
        return torch.bmm(values.unsqueeze(1), rows).squeeze(1)

    def step():
        if a.sparse_encoder:
            with torch.no_grad():
                pre = torch.addmm(b_enc - b_dec.unsqueeze(0) @ w_enc, x, w_enc)
        elif a.fold_bias:
            pre = torch.addmm(b_enc - b_dec.unsqueeze(0) @ w_enc, x, w_enc)
        else:
            pre = (x - b_dec) @ w_enc + b_enc
        values, indices = pre.topk(k, dim=1, sorted=False)
        if a.sparse_encoder:
            values.requires_grad_(True)
        chosen = values
        values = torch.relu(values)
        x_hat = decode(indices, values) + b_dec
        residual = x - x_hat
        loss = residual.pow(2).sum() / (x - x.mean(0, keepdim=True)).pow(2).sum()
        if a.auxk:
            dead = since_fired >= 0  # every latent dead (a dead window of 0 tokens), masked as SaeTrainer does
            masked = pre.masked_fill(~dead.unsqueeze(0), float("-inf"))
            aux_values, aux_indices = masked.topk(k_aux, dim=1, sorted=False)
            if a.sparse_encoder:
                aux_values.requires_grad_(True)
            aux_chosen = aux_values
            e = residual.detach()
            e_hat = decode(aux_indices, torch.relu(aux_values))
            loss = loss + (e_hat - e).pow(2).sum() / (e - e.mean(0, keepdim=True)).pow(2).sum() / 32
        opt.zero_grad(set_to_none=False)
        loss.backward()
        if a.sparse_encoder:
            idx, g = indices, chosen.grad
            if a.auxk:
                idx, g = torch.cat([idx, aux_indices], 1), torch.cat([g, aux_chosen.grad], 1)
            rows_scratch.grad = None
            rows = torch.nn.functional.embedding_bag(idx, rows_scratch, per_sample_weights=g, mode="sum")
            with torch.no_grad():
                centred = x - b_dec
            rows.backward(centred)
            with torch.no_grad():
                g_benc = torch.zeros(n).index_add_(0, idx.flatten(), g.flatten())
                w_enc.grad += rows_scratch.grad.t()
                b_enc.grad += g_benc
                b_dec.grad -= w_enc @ g_benc
        with torch.no_grad():
            fired = indices.masked_select(values > 0)
            grad = w_dec.grad
            grad -= w_dec * (grad * w_dec).sum(1, keepdim=True)
            opt.step()
            w_dec.div_(w_dec.norm(dim=1, keepdim=True).clamp_min(1e-12))
            since_fired.add_(b)
            since_fired.index_fill_(0, fired, 0)
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    variant = f"decode={a.decode} auxk={a.auxk} sparse_encoder={a.sparse_encoder} fold_bias={a.fold_bias}"
    print(f"d={d} latents={n} k={k} batch={b} threads={a.threads} {variant}: median {med * 1e3:.1f} ms, min {min(times) * 1e3:.1f} ms, {b / med:.0f} tokens/s")


if __name__ == "__main__":
    main()
