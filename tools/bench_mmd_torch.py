#!/usr/bin/env python3
"""PyTorch reference timing for bench/NeuroLens.Benchmarks/MmdBenchmarks.cs (docs/benchmarks.md, "Transfer: MMD").

Run from the repository root with Debian's python3-torch (1.13, CPU):

    /usr/bin/python3 tools/bench_mmd_torch.py --case small --threads 2
    /usr/bin/python3 tools/bench_mmd_torch.py --case large --threads 2

The same estimator and work as Mmd.Compute with MmdOptions { Permutations = 100 }: float32 samples x ~ N(0, I),
y ~ N(0.05, I) of dimension 1024 converted to float64; the median heuristic (2 sigma^2 = median squared distance
over distinct pooled pairs, at most 2,000 points per side); the unbiased MMD^2 (U-statistic) of the observed split
and of 100 random permutations with the same sigma; p = (1 + #{perm >= obs}) / (1 + P).

Two implementations are timed:
  * "weights": the algorithm NeuroLens uses -- every split is an indicator column w, the statistic needs w'Kw and
    w'K1, so all splits come from one product K W; K is held whole when it fits 256 MiB and otherwise computed in
    symmetric square tiles of 5,792 rows (the same budget), never held whole.
  * "index" (small case only): the textbook loop -- hold K, and for each permutation sum the blocks
    K[px][:, px], K[py][:, py], K[px][:, py] gathered by fancy indexing.
Each is run --repeat times after --warmup untimed runs; the median and min wall times are printed.
"""
import argparse
import math
import time

import torch

BUDGET = 256 << 20


def samples(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    y = torch.randn(n, d, generator=g) + 0.05
    return x, y


def sq_dist(a, b, na, nb):
    d = a @ b.T
    d.mul_(-2.0).add_(na[:, None]).add_(nb[None, :]).clamp_(min=0.0)
    return d


def median_sigma(z, n, m, g):
    def sub(rows):
        if rows.shape[0] <= 2000:
            return rows
        return rows[torch.randperm(rows.shape[0], generator=g)[:2000]]
    p = torch.cat([sub(z[:n]), sub(z[n:])])
    nrm = (p * p).sum(1)
    d = sq_dist(p, p, nrm, nrm)
    d.fill_diagonal_(0.0)
    iu = torch.triu_indices(p.shape[0], p.shape[0], 1)
    v = d[iu[0], iu[1]].sort().values
    k = v.shape[0]
    med = v[k // 2].item() if k % 2 else 0.5 * (v[k // 2 - 1].item() + v[k // 2].item())
    return math.sqrt(med / 2.0)


def kernel_times(z, nrm, scale, w):
    n = z.shape[0]
    if n * n * 8 <= BUDGET:
        k = sq_dist(z, z, nrm, nrm)
        k.fill_diagonal_(0.0)
        k.mul_(scale).exp_()
        return k @ w
    tile = int(math.sqrt(BUDGET / 8))
    q = torch.zeros_like(w)
    for i0 in range(0, n, tile):
        i1 = min(n, i0 + tile)
        for j0 in range(i0, n, tile):
            j1 = min(n, j0 + tile)
            k = sq_dist(z[i0:i1], z[j0:j1], nrm[i0:i1], nrm[j0:j1])
            if i0 == j0:
                k.fill_diagonal_(0.0)
            k.mul_(scale).exp_()
            q[i0:i1].addmm_(k, w[j0:j1])
            if j0 != i0:
                q[j0:j1].addmm_(k.T, w[i0:i1])
    return q


def mmd_weights(x, y, permutations, seed=0):
    z = torch.cat([x.double(), y.double()]).contiguous()
    n, m = x.shape[0], y.shape[0]
    total = n + m
    g = torch.Generator().manual_seed(seed)
    sigma = median_sigma(z, n, m, torch.Generator().manual_seed(0))
    nrm = (z * z).sum(1)
    cols = [torch.ones(total, dtype=torch.float64)]
    for r in range(permutations + 1):
        order = torch.arange(total) if r == 0 else torch.randperm(total, generator=g)
        w = torch.zeros(total, dtype=torch.float64)
        w[order[:n]] = 1.0
        cols.append(w)
    w = torch.stack(cols, 1)
    kw = kernel_times(z, nrm, -1.0 / (2 * sigma * sigma), w)
    xx = (w * kw).sum(0)
    xt = (kw[:, :1] * w).sum(0)
    s = xx[0]
    yy = s - 2 * xt + xx
    xy = xt - xx
    stats = (xx - n) / (n * (n - 1)) + (yy - m) / (m * (m - 1)) - 2 * xy / (n * m)
    stats = stats[1:]
    obs = stats[0].item()
    p = (1 + int((stats[1:] >= obs - 100 * 2.2e-16 * abs(obs)).sum())) / (1 + permutations)
    return obs, sigma, p


def mmd_index(x, y, permutations, seed=0):
    z = torch.cat([x.double(), y.double()]).contiguous()
    n, m = x.shape[0], y.shape[0]
    total = n + m
    g = torch.Generator().manual_seed(seed)
    sigma = median_sigma(z, n, m, torch.Generator().manual_seed(0))
    nrm = (z * z).sum(1)
    k = sq_dist(z, z, nrm, nrm)
    k.fill_diagonal_(0.0)
    k.mul_(-1.0 / (2 * sigma * sigma)).exp_()

    def stat(ix, iy):
        kxx, kyy, kxy = k[ix][:, ix], k[iy][:, iy], k[ix][:, iy]
        return (kxx.sum() - n) / (n * (n - 1)) + (kyy.sum() - m) / (m * (m - 1)) - 2 * kxy.sum() / (n * m)

    obs = stat(torch.arange(n), torch.arange(n, total)).item()
    count = 0
    for _ in range(permutations):
        order = torch.randperm(total, generator=g)
        if stat(order[:n], order[n:]).item() >= obs - 100 * 2.2e-16 * abs(obs):
            count += 1
    return obs, sigma, (1 + count) / (1 + permutations)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=["small", "large"], required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--permutations", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed ones")
    ap.add_argument("--impl", choices=["all", "weights", "index"], default="all")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    n = 2000 if args.case == "small" else 20000
    x, y = samples(n, 1024, 0)
    impls = [("weights", mmd_weights)] + ([("index", mmd_index)] if args.case == "small" else [])
    impls = [(name, f) for name, f in impls if args.impl in ("all", name)]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, case {args.case}: {n} + {n} x 1024, "
          f"{args.permutations} permutations")
    for name, f in impls:
        for _ in range(args.warmup):
            f(x, y, args.permutations)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            obs, sigma, p = f(x, y, args.permutations)
            times.append(time.perf_counter() - t0)
        times.sort()
        print(f"{name:8s} median {times[len(times) // 2]:.3f} s  min {times[0]:.3f} s  "
              f"(mmd2 {obs:.6g}, sigma {sigma:.6g}, p {p:.4g})", flush=True)


if __name__ == "__main__":
    main()
