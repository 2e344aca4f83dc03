#!/usr/bin/env python3
"""PyTorch (and scipy) reference timings for the WD-to-Gaussian benchmark (bench/NeuroLens.Benchmarks/WassersteinBenchmarks.cs).

Same estimator as NeuroLens.Core.Statistics.GaussianWasserstein: z-score each column with the population
std, sort along tokens, mean |z_(i) - Phi^-1((i - 1/2)/N)| — in float32 with float64 reference quantiles
cast to float32 (the natural PyTorch code), on the same 131,072 x 2,048 float32 matrix shape, same threads.
Columns are processed in blocks of 512 (1/4 of the matrix at a time, like the 512 MiB block budget).

    /usr/bin/python3 tools/bench_wasserstein_torch.py --threads 2 [--repeat 3] [--scipy-columns 16]

--scipy-columns K also times scipy.stats.wasserstein_distance(z, q) on K columns and extrapolates to 2,048.
Peak memory: run under /usr/bin/time -v.
"""
import argparse
import time

import numpy as np
import scipy.stats
import torch

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeat", type=int, default=3)
p.add_argument("--block", type=int, default=512)
p.add_argument("--scipy-columns", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
n, d = 131_072, 2_048
g = torch.Generator().manual_seed(0)
x = torch.randn(n, d, generator=g)
x[:, :512] = x[:, :512] ** 3
q = torch.from_numpy(scipy.stats.norm.ppf((np.arange(1, n + 1) - 0.5) / n)).float()


def wd(x):
    out = torch.empty(x.shape[1], dtype=torch.float64)
    for s in range(0, x.shape[1], a.block):
        b = x[:, s:s + a.block]
        mu = b.mean(0, dtype=torch.float64)
        sd = b.double().var(0, unbiased=False).sqrt()
        z = (b.sort(0).values - mu.float()) / sd.float()
        out[s:s + a.block] = (z - q[:, None]).abs().mean(0, dtype=torch.float64)
    return out


times = []
for r in range(a.repeat + 1):
    t = time.perf_counter()
    res = wd(x)
    el = time.perf_counter() - t
    if r > 0:
        times.append(el)
    print(f"run {r}: {el:.3f} s{' (warm-up)' if r == 0 else ''}", flush=True)
print(f"pytorch {torch.__version__} threads {a.threads}: median {np.median(times):.3f} s, min {min(times):.3f} s, "
      f"{d / np.median(times):.0f} neurons/s; mean WD {res.mean():.5f}")

if a.scipy_columns:
    qn = q.double().numpy()
    t = time.perf_counter()
    for j in range(a.scipy_columns):
        y = x[:, j].double().numpy()
        z = (y - y.mean()) / y.std()
        scipy.stats.wasserstein_distance(z, qn)
    el = time.perf_counter() - t
    print(f"scipy {scipy.__version__} wasserstein_distance: {a.scipy_columns} columns in {el:.3f} s, "
          f"extrapolated to {d} columns: {el / a.scipy_columns * d:.1f} s ({a.scipy_columns / el:.1f} neurons/s)")
