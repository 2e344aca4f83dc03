#!/usr/bin/env python3
"""Reference PyTorch SparseGPT timing for bench/NeuroLens.Benchmarks/SparseGptBenchmarks.cs.

The algorithm is the published one (Frantar and Alistarh 2023, IST-DASLab/sparsegpt `sparsegpt.py`,
`SparseGPT.add_batch` + `fasterprune`), rewritten here without the model plumbing: H accumulated batch by
batch (H *= n/(n+b); H += (2/(n+b)) x x^T), dead inputs, damping 0.01 mean(diag H), cholesky ->
cholesky_inverse -> cholesky(upper), blocks of 128 with the adaptive unstructured mask w^2/d^2, per-column
OBS update, block-wise lazy update of the remaining columns. float32, CPU, --threads threads. Prints the
wall time of each run and of its phases (XtX accumulation, the inverse-Hessian factor, the block loop).

    /usr/bin/python3 tools/bench_sparsegpt_torch.py --tokens 8192 --threads 2 [--repeat 1]
"""
import argparse
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--tokens", type=int, default=131_072)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeat", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
rows, columns, batch = 2048, 8192, 8192
g = torch.Generator().manual_seed(0)
W0 = torch.randn(rows, columns, generator=g)
X = torch.randn(batch, columns, generator=g)


def add_batch(H, nsamples, inp):
    tmp = inp.shape[0]
    H *= nsamples / (nsamples + tmp)
    nsamples += tmp
    inp = (2 / nsamples) ** 0.5 * inp.t().float()
    H += inp.matmul(inp.t())
    return nsamples


def fasterprune(W, H, sparsity, blocksize=128, percdamp=0.01):
    W = W.clone().float()
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    Losses = torch.zeros(rows)
    damp = percdamp * torch.mean(torch.diag(H))
    diag = torch.arange(columns)
    H[diag, diag] += damp
    t0 = time.perf_counter()
    H = torch.linalg.cholesky(H)
    H = torch.cholesky_inverse(H)
    H = torch.linalg.cholesky(H, upper=True)
    Hinv = H
    phases["factor"] = time.perf_counter() - t0
    for i1 in range(0, columns, blocksize):
        i2 = min(i1 + blocksize, columns)
        count = i2 - i1
        W1 = W[:, i1:i2].clone()
        Q1 = torch.zeros_like(W1)
        Err1 = torch.zeros_like(W1)
        Losses1 = torch.zeros_like(W1)
        Hinv1 = Hinv[i1:i2, i1:i2]
        tmp = W1 ** 2 / (torch.diag(Hinv1).reshape((1, -1))) ** 2
        thresh = torch.sort(tmp.flatten())[0][int(tmp.numel() * sparsity)]
        mask1 = tmp <= thresh
        for i in range(count):
            w = W1[:, i]
            d = Hinv1[i, i]
            q = w.clone()
            q[mask1[:, i]] = 0
            Q1[:, i] = q
            Losses1[:, i] = (w - q) ** 2 / d ** 2
            err1 = (w - q) / d
            W1[:, i:] -= err1.unsqueeze(1).matmul(Hinv1[i, i:].unsqueeze(0))
            Err1[:, i] = err1
        W[:, i1:i2] = Q1
        Losses += torch.sum(Losses1, 1) / 2
        W[:, i2:] -= Err1.matmul(Hinv[i1:i2, i2:])
    phases["blocks"] = time.perf_counter() - t0 - phases["factor"]
    return W


phases = {}
times = []
for r in range(a.repeat):
    t = time.perf_counter()
    H = torch.zeros(columns, columns)
    n = 0
    for _ in range(a.tokens // batch):
        n = add_batch(H, n, X)
    phases["accumulate"] = time.perf_counter() - t
    Wp = fasterprune(W0, H, 0.5)
    el = time.perf_counter() - t
    times.append(el)
    print(f"run {r}: {el:.2f} s, sparsity {(Wp == 0).float().mean():.4f} "
          f"(accumulate {phases['accumulate']:.2f} s, factor {phases['factor']:.2f} s, blocks {phases['blocks']:.2f} s)", flush=True)
print(f"pytorch {torch.__version__} threads {a.threads}, tokens {a.tokens}: min {min(times):.2f} s")
