#!/usr/bin/env python3
"""Writes the small NumPy reference files that NeuroLens.Core.Tests reads (TensorFiles/NpyFixtureTests).

Run from the repository root:  python3 tools/make_npy_fixtures.py
Output: tests/NeuroLens.Core.Tests/Fixtures/npy/. The tests hard-code the values below, so they do
not need Python; rerun this only to regenerate the files (array
bytes are deterministic; zip timestamps in the .npz files are not).
"""
import io
import os
import zipfile

import numpy as np

OUT = os.path.join("tests", "NeuroLens.Core.Tests", "Fixtures", "npy")


def main():
    os.makedirs(OUT, exist_ok=True)
    # Big-endian float64 with special values.
    big = np.array([[1.5, -0.0, np.inf], [-np.inf, 1e-310, np.finfo(np.float64).max]], dtype=">f8")
    np.save(os.path.join(OUT, "big_endian_f8.npy"), big)
    # Fortran-order int32: the file stores columns first; values 0..11 in C order.
    fortran = np.asfortranarray(np.arange(12, dtype="<i4").reshape(3, 4) * 10 - 7)
    np.save(os.path.join(OUT, "fortran_i4.npy"), fortran)
    # Half precision, including -0.0, the largest finite half and the smallest subnormal.
    half = np.array([0.5, -0.0, 65504.0, 2.0 ** -24, -2.5], dtype="<f2")
    np.save(os.path.join(OUT, "half_f2.npy"), half)
    # Booleans.
    np.save(os.path.join(OUT, "bool.npy"), np.array([[True, False, True], [False, False, True]]))
    # Format version 2.0 header (4-byte header length), int16.
    with open(os.path.join(OUT, "version2_i2.npy"), "wb") as f:
        arr = np.array([-32768, 0, 32767, 12345], dtype="<i2")
        np.lib.format.write_array(f, arr, version=(2, 0))
    # Big-endian Fortran-order int64, 3-D.
    be3 = np.asfortranarray(np.arange(24, dtype=">i8").reshape(2, 3, 4) - 12)
    np.save(os.path.join(OUT, "big_endian_fortran_i8.npy"), be3)
    # Unsigned 64-bit with values beyond int64 (torch has no uint64: read as bytes).
    np.save(os.path.join(OUT, "u8.npy"), np.array([[0, 1, 2**63], [2**64 - 1, 12345678901234567890, 7]], dtype="<u8"))
    # Big-endian unsigned 16-bit, Fortran order: values 0, 1000, ..., 5000 and 65535 in C order.
    np.save(os.path.join(OUT, "big_endian_u2.npy"),
            np.asfortranarray(np.array([[0, 1000, 2000, 3000], [4000, 5000, 65535, 1]], dtype=">u2")))
    # Deflated .npz with two members.
    np.savez_compressed(
        os.path.join(OUT, "compressed.npz"),
        weights=np.arange(6, dtype="<f4").reshape(2, 3) / 4,
        labels=np.array([3, 1, 4, 1, 5], dtype="|u1"),
    )
    # Stored .npz.
    np.savez(os.path.join(OUT, "stored.npz"), scalar=np.array(2.25, dtype="<f8"), empty=np.zeros((0, 3), dtype="|i1"))
    # Headers numpy.save writes for C-order arrays, to compare with NeuroLens's writer.
    for name, arr in {"header_f4_2x3": np.zeros((2, 3), "<f4"), "header_f8_scalar": np.zeros((), "<f8"),
                      "header_b1_4": np.zeros((4,), "|b1")}.items():
        np.save(os.path.join(OUT, name + ".npy"), arr)
    # Object array: needs pickle, must be refused.
    np.save(os.path.join(OUT, "object.npy"), np.array([1, "two"], dtype=object), allow_pickle=True)


if __name__ == "__main__":
    main()
