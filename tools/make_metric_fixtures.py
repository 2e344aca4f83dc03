#!/usr/bin/env python3
"""Reference fixtures for NeuroLens.Imaging's segmentation metrics and watershed, from scikit-image.

Writes tests/NeuroLens.Imaging.Tests/Fixtures/metrics/{metrics,watershed}.json. Run with Debian's
python3-skimage (0.19.x): /usr/bin/python3 tools/make_metric_fixtures.py

Conventions checked against the scikit-image 0.19 source:
- variation_of_information(image0, image1) returns [H(image1|image0), H(image0|image1)] in bits
  (its _xlogx uses log2). With image0 = truth and image1 = segmentation that is [split, merge].
- ignore_labels drops voxels by their label in image0 (the truth). The gala rule (drop 0 in either
  image) has no scikit-image option: those voxels are removed before the call.
- adapted_rand_error(image_true, image_test) returns (error, prec, rec) where its 'prec' divides by
  the truth pairs (the swap of its documentation); the C# test compares accordingly.
- watershed: seeds get distinct heights, since scikit-image gives all seeds age 0 and orders equal
  seeds by heap position; 3D full connectivity uses continuous heights (no ties), since its
  neighbour order there is numpy-sort-dependent. Other cases use integer heights with plateaus.
"""
import json
import os

import numpy as np
from skimage.metrics import adapted_rand_error, variation_of_information
from skimage.segmentation import watershed

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'NeuroLens.Imaging.Tests', 'Fixtures', 'metrics')


def blocky_labels(rng, shape, n_labels, block):
    """Random labels on a coarse grid, upsampled, with some voxel noise: realistic runs and overlaps."""
    coarse = rng.integers(0, n_labels, size=[max(1, s // block) + 1 for s in shape])
    idx = np.ix_(*[np.arange(s) // block for s in shape])
    labels = coarse[idx]
    noise = rng.random(shape) < 0.1
    labels[noise] = rng.integers(0, n_labels, size=noise.sum())
    return labels.astype(np.uint64)


def metric_case(rng, name, shape, n_truth, n_seg):
    truth = blocky_labels(rng, shape, n_truth, 3)
    seg = blocky_labels(rng, shape, n_seg, 2)
    keep = (truth != 0) & (seg != 0)
    t_both, s_both = truth[keep], seg[keep]
    case = {
        'name': name, 'shape': list(shape),
        'truth': truth.ravel().tolist(), 'segmentation': seg.ravel().tolist(),
        'vi_none': variation_of_information(truth, seg).tolist(),
        'vi_truth': variation_of_information(truth, seg, ignore_labels=(0,)).tolist(),
        'vi_both': variation_of_information(t_both, s_both).tolist(),
        'are_none': list(adapted_rand_error(truth, seg, ignore_labels=())),
        'are_truth': list(adapted_rand_error(truth, seg)),
        'are_both': list(adapted_rand_error(t_both, s_both, ignore_labels=())),
    }
    return case


def watershed_case(rng, name, shape, connectivity, lines, plateaus, with_mask):
    if plateaus:
        heights = rng.integers(0, 6, size=shape).astype(np.float32)
    else:
        heights = rng.random(shape).astype(np.float32)
    seeds = np.zeros(shape, np.uint64)
    n_seeds = max(3, int(np.prod(shape)) // 40)
    flat = rng.choice(int(np.prod(shape)), size=n_seeds, replace=False)
    for i, f in enumerate(flat):
        pos = np.unravel_index(f, shape)
        seeds[pos] = rng.integers(1, max(2, n_seeds // 2) + 1)  # repeated labels: one basin, several seeds
        heights[pos] = -1.0 - 0.125 * i  # distinct seed heights
    mask = (rng.random(shape) < 0.85) if with_mask else None
    conn = 1 if connectivity == 1 else len(shape)
    result = watershed(heights, seeds.astype(np.int64), connectivity=conn, mask=mask, watershed_line=lines)
    return {
        'name': name, 'shape': list(shape), 'connectivity': 'Faces' if connectivity == 1 else 'Full',
        'lines': lines, 'heights': [float(h) for h in heights.ravel()],
        'seeds': seeds.ravel().tolist(), 'mask': None if mask is None else mask.ravel().astype(int).tolist(),
        'labels': result.ravel().tolist(),
    }


def main():
    rng = np.random.default_rng(20261125)
    os.makedirs(OUT, exist_ok=True)
    metrics = [
        metric_case(rng, '2d-small', (12, 17), 4, 6),
        metric_case(rng, '2d-many', (30, 40), 9, 14),
        metric_case(rng, '3d', (7, 11, 13), 6, 10),
        metric_case(rng, '3d-mostly-zero', (6, 9, 10), 2, 3),
    ]
    sheds = []
    for dims, shape in ((2, (17, 23)), (3, (7, 9, 11))):
        for conn in (1, 2):
            plateaus = not (dims == 3 and conn == 2)
            sheds.append(watershed_case(rng, f'{dims}d-c{conn}', shape, conn, False, plateaus, False))
            sheds.append(watershed_case(rng, f'{dims}d-c{conn}-mask', shape, conn, False, plateaus, True))
            sheds.append(watershed_case(rng, f'{dims}d-c{conn}-lines', shape, conn, True, plateaus, dims == 2))
    for file, cases in (('metrics.json', metrics), ('watershed.json', sheds)):
        with open(os.path.join(OUT, file), 'w') as f:
            json.dump({'generator': 'tools/make_metric_fixtures.py', 'skimage': __import__('skimage').__version__,
                       'cases': cases}, f, separators=(',', ':'))
            f.write('\n')


if __name__ == '__main__':
    main()
