"""Writes the small .npy files the io tests load, with numpy's own writer.

Run from anywhere with Debian's Python (numpy 1.24):  /usr/bin/python3 tests/io/data/make_npy_files.py
The files are committed; this script documents how they were made. The tests never run Python.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, array, allow_pickle=False)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version, allow_pickle=False)


values_2x3 = np.array([[0.1, -2.5, 3e-300], [1e300, 7.0, -0.0]])

# Supported dtypes, both byte orders, both memory orders, all three format versions.
save("f8_2x3.npy", values_2x3)
save("f4_3.npy", np.array([0.1, -2.5, 3.0e38], dtype="<f4"))
save("i8_4.npy", np.array([-3, 0, 7, 2**40], dtype="<i8"))
save("i4_2x2.npy", np.array([[1, -2], [3, 2147483647]], dtype="<i4"))
save("u1_5.npy", np.array([0, 1, 2, 254, 255], dtype="|u1"))
save("b1_4.npy", np.array([True, False, False, True]))
save("f8_big_endian_2x3.npy", values_2x3.astype(">f8"))
save("i4_big_endian_3.npy", np.array([1, -2, 100000], dtype=">i4"))
save("f8_fortran_2x3x4.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4) * 0.5 - 3.0))
save("f8_fortran_5x3.npy", np.asfortranarray(np.arange(15.0).reshape(5, 3)))
save("f8_v2_2x3.npy", values_2x3, version=(2, 0))
save("f4_v3_3.npy", np.array([0.1, -2.5, 3.0e38], dtype="<f4"), version=(3, 0))
save("f8_scalar.npy", np.array(2.5))
save("f8_empty_0.npy", np.zeros((0,)))
save("f8_0x3.npy", np.zeros((0, 3)))
save("f8_6x2.npy", np.arange(12.0).reshape(6, 2))

# Labels.
save("f8_labels_4.npy", np.array([0.0, 1.0, 2.0, 1.0]))
save("i8_labels_3x1.npy", np.array([[2], [0], [1]], dtype="<i8"))
save("f8_not_integer_3.npy", np.array([0.0, 1.5, 2.0]))

# Unsupported dtypes.
save("c16_2.npy", np.array([1 + 2j, 3 - 4j]))
save("U3_2.npy", np.array(["ab", "cde"]))
save("structured_2.npy", np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]))
save("f2_2.npy", np.array([1.0, 2.0], dtype="<f2"))
