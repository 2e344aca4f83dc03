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
        # As in WatershedBenchmarks.FacesQuantised: a uint8-style map of 256 levels (round half to even, float32).
        quantised = np.round(heights * np.float32(255)) / np.float32(255)
        for connectivity, label, image in ((1, 'Faces', heights), (1, 'FacesQuantised', quantised), (len(shape), 'Full', heights)):
            start, start_cpu = time.perf_counter(), time.process_time()
            watershed(image, seeds, connectivity=connectivity)
            print(f'skimage {skimage.__version__}: {name} {label}: {time.perf_counter() - start:.3f} s wall, '
                  f'{time.process_time() - start_cpu:.3f} s CPU')


if __name__ == '__main__':
    main()
