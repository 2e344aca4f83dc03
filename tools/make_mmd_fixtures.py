#!/usr/bin/env python3
"""Reference MMD values for tests/NeuroLens.Core.Tests/Statistics/MmdTests.cs.

Run from the repository root with Debian's python3-numpy and python3-scipy:

    /usr/bin/python3 tools/make_mmd_fixtures.py

Writes tests/NeuroLens.Core.Tests/Fixtures/statistics/mmd.json: a small fixed dataset (x: 7 x 3, y: 9 x 3),
the median-heuristic sigma, and biased, unbiased and linear-time MMD^2 (Gretton et al. 2012) with the
Gaussian RBF kernel k(a, b) = exp(-|a - b|^2 / (2 sigma^2)) for several bandwidths, computed directly
from scipy's pairwise distances. Floats are written with Python's repr. The tests never run Python.
"""
import json
import os

import numpy as np
import scipy
from scipy.spatial.distance import cdist, pdist

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "NeuroLens.Core.Tests", "Fixtures", "statistics")


def kernel(a, b, sigmas):
    d2 = cdist(a, b, "sqeuclidean")
    return np.mean([np.exp(-d2 / (2.0 * s * s)) for s in sigmas], axis=0)


def mmd2(x, y, sigmas):
    n, m = len(x), len(y)
    kxx, kyy, kxy = kernel(x, x, sigmas), kernel(y, y, sigmas), kernel(x, y, sigmas)
    biased = kxx.sum() / n**2 + kyy.sum() / m**2 - 2.0 * kxy.sum() / (n * m)
    unbiased = ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
                - 2.0 * kxy.sum() / (n * m))
    p = min(n, m) // 2
    h = []
    for i in range(p):
        x1, x2, y1, y2 = x[2 * i:2 * i + 1], x[2 * i + 1:2 * i + 2], y[2 * i:2 * i + 1], y[2 * i + 1:2 * i + 2]
        h.append(kernel(x1, x2, sigmas) + kernel(y1, y2, sigmas) - kernel(x1, y2, sigmas) - kernel(x2, y1, sigmas))
    return {"biased": float(biased), "unbiased": float(unbiased), "linear": float(np.mean(h))}


def main():
    rng = np.random.default_rng(2012)
    x = rng.normal(0.0, 1.0, (7, 3))
    y = rng.normal(0.4, 1.3, (9, 3))
    pooled = np.vstack([x, y])
    median = float(np.median(pdist(pooled, "sqeuclidean")))
    sigma = float(np.sqrt(median / 2.0))
    cases = [{"bandwidths": [sigma], **mmd2(x, y, [sigma])}]
    for sigmas in ([1.3], [0.5, 2.0, 8.0]):
        cases.append({"bandwidths": sigmas, **mmd2(x, y, sigmas)})
    payload = {
        "generator": "tools/make_mmd_fixtures.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "x": [[float(v) for v in row] for row in x],
        "y": [[float(v) for v in row] for row in y],
        "median_sq_distance": median,
        "median_sigma": sigma,
        "cases": cases,
    }
    with open(os.path.join(OUT, "mmd.json"), "w") as f:
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
