#!/usr/bin/env python3
"""Reference values for the Wasserstein-to-Gaussian tests (NeuroLens.Core.Statistics.GaussianWasserstein).

Run from the repository root with Debian's python3-numpy and python3-scipy:

    /usr/bin/python3 tools/make_wasserstein_fixtures.py

Writes tests/NeuroLens.Core.Tests/Fixtures/statistics/wasserstein_x.npy (float32, 3000 tokens x 5 neurons:
Gaussian, Laplace, bimodal Gaussian mixture, uniform, constant) and wasserstein.json with, per column, the
closed form (1/N) sum |z_(i) - Phi^-1((i - 1/2)/N)| in float64 (population std) and
scipy.stats.wasserstein_distance(z, q). The tests never run Python.
"""
import json
import os

import numpy as np
import scipy
import scipy.stats

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "NeuroLens.Core.Tests", "Fixtures", "statistics")

rng = np.random.default_rng(20260)
n = 3000
columns = [
    rng.normal(3.0, 2.0, n),
    rng.laplace(-1.0, 0.5, n),
    np.where(rng.random(n) < 0.5, rng.normal(-2.0, 0.5, n), rng.normal(2.0, 0.5, n)),
    rng.uniform(0.0, 10.0, n),
    np.full(n, 1.25),
]
x = np.stack(columns, axis=1).astype(np.float32)
np.save(os.path.join(OUT, "wasserstein_x.npy"), x)

q = scipy.stats.norm.ppf((np.arange(1, n + 1) - 0.5) / n)
closed, scipy_wd = [], []
for j in range(x.shape[1]):
    y = x[:, j].astype(np.float64)
    s = y.std()
    if s == 0:
        closed.append(None)
        scipy_wd.append(None)
        continue
    z = (y - y.mean()) / s
    closed.append(float(np.mean(np.abs(np.sort(z) - q))))
    scipy_wd.append(float(scipy.stats.wasserstein_distance(z, q)))

with open(os.path.join(OUT, "wasserstein.json"), "w") as f:
    json.dump({"generator": "tools/make_wasserstein_fixtures.py",
               "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
               "columns": ["gaussian", "laplace", "bimodal", "uniform", "constant"],
               "closed_form": closed, "scipy": scipy_wd}, f, indent=1)
print(closed, scipy_wd)
