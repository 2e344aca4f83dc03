#!/usr/bin/env python3
"""Times scikit-image's variation_of_information on the VariationOfInformationBenchmarks data.

  dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-labels /tmp/nl-bench 256
  /usr/bin/python3 tools/bench_skimage_metrics.py /tmp/nl-bench 256 [repeats]

Prints the VI (bits; [split, merge]), the best wall and process CPU time of the repeats, and peak memory.
CPU time is the fairer figure on a loaded shared machine.
"""
import resource
import sys
import time

import numpy as np
import skimage
from skimage.metrics import variation_of_information


def main():
    directory, size = sys.argv[1], int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    shape = (size, size, size)
    seg = np.fromfile(f'{directory}/segmentation_{size}.u64', dtype='<u8').reshape(shape)
    truth = np.fromfile(f'{directory}/truth_{size}.u64', dtype='<u8').reshape(shape)
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        vi = variation_of_information(truth, seg, ignore_labels=(0,))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f'skimage {skimage.__version__} numpy {np.__version__}: size {size}^3, '
          f'split {vi[0]:.6f} merge {vi[1]:.6f} bits, best of {repeats}: {min(times):.3f} s '
          f'(all: {", ".join(f"{t:.3f}" for t in times)}), best CPU time {min(cpu):.3f} s, peak RSS {peak_gib:.1f} GiB')


if __name__ == '__main__':
    main()
