#!/usr/bin/env python3
"""Reference values for the NeuroLens.Core.Statistics tests.

Run from the repository root with Debian's python3-numpy, python3-scipy and python3-sklearn:

    /usr/bin/python3 tools/make_statistics_fixtures.py

It writes small JSON files to tests/NeuroLens.Core.Tests/Fixtures/statistics/. Floats are written with
Python's repr, which round-trips exactly through System.Text.Json. The tests never run Python.
"""
import json
import math
import os

import mpmath
import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "NeuroLens.Core.Tests", "Fixtures", "statistics")
VERSIONS = {"mpmath": mpmath.__version__, "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__}


def write(name, payload):
    payload = {"generator": "tools/make_statistics_fixtures.py", "versions": VERSIONS, **payload}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def matrix(a):
    return [floats(row) for row in np.asarray(a, dtype=np.float64)]


def normal():
    mpmath.mp.dps = 40
    rng = np.random.default_rng(241)
    special = [
        5e-324, 1e-310, 1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-15, 1e-12, math.exp(-25.0), 1e-10, 1e-5,
        1e-3, 0.01, 0.025, 0.05, 0.0749, 0.075, 0.0751, 0.1, 0.2, 0.3, 0.4,
        np.nextafter(0.5, 0.0), 0.5, np.nextafter(0.5, 1.0), 0.5 - 1e-12, 0.5 + 1e-12,
        0.6, 0.7, 0.8, 0.9, 0.925, 0.9251, 0.95, 0.975, 0.99, 0.999, 1 - 1e-5, 1 - 1e-10, 1 - 1e-12,
        1 - 1e-15, np.nextafter(1.0, 0.0),
    ]
    uniform = rng.uniform(0.0, 1.0, 200)
    log_uniform = 10.0 ** rng.uniform(-300.0, -1.0, 200)
    upper = 1.0 - 10.0 ** rng.uniform(-15.0, -1.0, 50)
    p = np.concatenate([np.array(special, dtype=np.float64), uniform, log_uniform, upper])
    x = scipy.stats.norm.ppf(p)
    cdf_x = np.concatenate([[-38.0, -37.5, -30.0, -20.0, -10.0, -8.0, -5.0, -3.0, -1.0, -0.5, -1e-8, 0.0,
                             1e-8, 0.5, 0.6629, 1.0, 2.0, 3.0, 5.0, 8.0, 9.0, 38.0], rng.normal(0.0, 3.0, 100)])
    counts = [1, 2, 7, 100, 1001]
    write("normal.json", {
        "quantile": {"p": floats(p), "x": floats(x)},
        # Φ and 1 − Φ from 40-digit mpmath: scipy's ndtr is off by up to ~1e-12 relative in the far tail.
        "cdf": {"x": floats(cdf_x), "p": [float(mpmath.ncdf(v)) for v in cdf_x],
                "q": [float(mpmath.ncdf(-v)) for v in cdf_x]},
        "midpoints": [{"n": n, "x": floats(scipy.stats.norm.ppf((np.arange(1, n + 1) - 0.5) / n))} for n in counts],
    })


def correlation():
    rng = np.random.default_rng(1988)
    cases = []

    def add(name, x, y):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        cases.append({
            "name": name, "x": floats(x), "y": floats(y),
            "pearson": float(scipy.stats.pearsonr(x, y)[0]),
            "spearman": float(scipy.stats.spearmanr(x, y).correlation),
            "rank_x": floats(scipy.stats.rankdata(x, method="average")),
            "rank_y": floats(scipy.stats.rankdata(y, method="average")),
        })

    x = rng.normal(size=50)
    add("normal_linear", x, 0.6 * x + 0.8 * rng.normal(size=50))
    add("integer_ties", rng.integers(0, 5, 40), rng.integers(0, 4, 40))
    x = rng.integers(0, 6, 30).astype(float)
    add("ties_with_signal", x, x + rng.integers(-1, 2, 30))
    x = rng.uniform(0.1, 3.0, 25)
    add("monotone_nonlinear", x, np.exp(x))
    add("negative", x, -x ** 3 + 0.1 * rng.normal(size=25))
    add("three_points", [1.0, 2.0, 3.0], [2.0, 1.0, 4.0])
    add("large_offset", 1e6 + rng.normal(size=20), 1e6 + rng.normal(size=20))
    write("correlation.json", {"cases": cases})


def percentile():
    rng = np.random.default_rng(7)
    values = rng.normal(size=11)
    qs = [0.0, 0.025, 0.1, 0.25, 0.5, 0.9, 0.975, 1.0]
    write("percentile.json", {"values": floats(values), "q": qs,
                              "linear": floats(np.percentile(values, [100 * q for q in qs]))})


def pca():
    rng = np.random.default_rng(2024)
    n, d = 60, 5
    mixing = rng.normal(size=(d, d)) * np.array([3.0, 2.0, 1.0, 0.5, 0.1])[:, None]
    data = rng.normal(size=(n, d)) @ mixing + np.array([1.0, -2.0, 0.5, 10.0, 0.0])
    model = PCA(n_components=3, svd_solver="full").fit(data)
    write("pca.json", {
        "data": matrix(data), "components_count": 3,
        "components": matrix(model.components_),
        "explained_variance": floats(model.explained_variance_),
        "explained_variance_ratio": floats(model.explained_variance_ratio_),
        "singular_values": floats(model.singular_values_),
        "mean": floats(model.mean_),
        "transformed": matrix(model.transform(data)),
    })


def kmeans():
    data, truth = make_blobs(n_samples=300, centers=4, n_features=3, cluster_std=0.6, random_state=3)
    model = KMeans(n_clusters=4, n_init=10, random_state=0, algorithm="lloyd").fit(data)
    write("kmeans.json", {
        "data": matrix(data), "truth": [int(v) for v in truth], "clusters": 4,
        "inertia": float(model.inertia_), "centers": matrix(model.cluster_centers_),
    })


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    normal()
    correlation()
    percentile()
    pca()
    kmeans()
