#!/usr/bin/env python3
"""Times skimage.segmentation.watershed on the WatershedBenchmarks data.

  dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-watershed /tmp/nl-bench
  /usr/bin/python3 tools/bench_skimage_watershed.py /tmp/nl-bench

Prints, per shape and connectivity, the wall and process CPU time of one call (seeds as int64 markers).
"""
import sys
import time

import numpy as np
import skimage
from skimage.segmentation import watershed


def main():
    directory = sys.argv[1]
    for name in ('512x512', '256x256x256'):
        shape = tuple(int(s) for s in name.split('x'))
        heights = np.fromfile(f'{directory}/ws_heights_{name}.f32', dtype='<f4').reshape(shape)
        seeds = np.fromfile(f'{directory}/ws_seeds_{name}.u64', dtype='<u8').reshape(shape).astype(np.int64)
        for connectivity, label in ((1, 'Faces'), (len(shape), 'Full')):
            start, start_cpu = time.perf_counter(), time.process_time()
            watershed(heights, seeds, connectivity=connectivity)
            print(f'skimage {skimage.__version__}: {name} {label}: {time.perf_counter() - start:.3f} s wall, '
                  f'{time.process_time() - start_cpu:.3f} s CPU')


if __name__ == '__main__':
    main()
