#!/usr/bin/python3
"""Writes tests/NeuroLens.Imaging.Tests/Fixtures/filters/filters.json: scipy.ndimage reference outputs
for the Gaussian filters and the Euclidean distance transform.

Run from the repository root:  /usr/bin/python3 tools/make_filter_fixtures.py
Inputs are float32 values (so C# sees exactly the same numbers); scipy computes in float64.
Each entry is {"shape": [...], "data": [...flat C order...]} plus the parameters used.
"""
import json
import os

import numpy as np
import scipy
from scipy import ndimage as ndi

rng = np.random.default_rng(20261125)
img = rng.random((12, 13)).astype(np.float32)
vol = rng.random((6, 7, 8)).astype(np.float32)
mask2 = rng.random((11, 14)) > 0.3
mask3 = rng.random((6, 9, 8)) > 0.25

fixtures = {"scipy_version": scipy.__version__}


def put(name, array, **params):
    a = np.asarray(array, dtype=np.float64)
    fixtures[name] = {"shape": list(a.shape), "data": [float(v) for v in a.ravel()], **params}


put("img2d", img)
put("vol3d", vol)
put("mask2d", mask2)
put("mask3d", mask3)

f64i, f64v = img.astype(np.float64), vol.astype(np.float64)
put("gauss2d_s1.5", ndi.gaussian_filter(f64i, 1.5), sigma=[1.5, 1.5])
put("gauss2d_aniso", ndi.gaussian_filter(f64i, (0.8, 2.0)), sigma=[0.8, 2.0])
put("gauss2d_s5", ndi.gaussian_filter(f64i, 5.0), sigma=[5.0, 5.0])
put("gauss3d_s1.5", ndi.gaussian_filter(f64v, 1.5), sigma=[1.5, 1.5, 1.5])
put("gauss3d_aniso", ndi.gaussian_filter(f64v, (0.0, 1.2, 2.5)), sigma=[0.0, 1.2, 2.5])
put("deriv3d_012", ndi.gaussian_filter(f64v, 1.3, order=(0, 1, 2)), sigma=[1.3, 1.3, 1.3], order=[0, 1, 2])
put("deriv2d_11", ndi.gaussian_filter(f64i, (1.1, 1.7), order=(1, 1)), sigma=[1.1, 1.7], order=[1, 1])
put("log2d_s1.5", ndi.gaussian_laplace(f64i, 1.5), sigma=1.5)
put("log3d_s1.2", ndi.gaussian_laplace(f64v, 1.2), sigma=1.2)
put("ggm2d_s1.5", ndi.gaussian_gradient_magnitude(f64i, 1.5), sigma=1.5)
put("ggm3d_s1.2", ndi.gaussian_gradient_magnitude(f64v, 1.2), sigma=1.2)
put("edt2d", ndi.distance_transform_edt(mask2, sampling=(1.0, 2.5)), sampling=[1.0, 2.5])
put("edt3d", ndi.distance_transform_edt(mask3, sampling=(2.0, 1.0, 1.5)), sampling=[2.0, 1.0, 1.5])

out = os.path.join("tests", "NeuroLens.Imaging.Tests", "Fixtures", "filters", "filters.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as fh:
    json.dump(fixtures, fh, separators=(",", ":"))
print(f"wrote {out} ({os.path.getsize(out)} bytes) with scipy {scipy.__version__}")
