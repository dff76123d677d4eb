#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets init_weights and flags (fuzz/corpus/<target>/).

Run with Debian's Python (numpy): /usr/bin/python3 fuzz/make_corpus.py
The other seeds are plain files: csv/ written by hand, npy/ copied from tests/io/data/, model_file/
written by `tapegrad fit --save` (see fuzz/corpus/README.md).
"""
import io
import pathlib

import numpy as np

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
SEPARATOR = b"#%#%"  # fuzz_init_weights.cpp splits its input into files here


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def init_weights(name, first_byte, files):
    data = bytes([first_byte]) + SEPARATOR.join(npy_bytes(a) if a is not None else b"" for a in files)
    (CORPUS / "init_weights" / name).write_bytes(data)


def main():
    (CORPUS / "init_weights").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    coef_0, intercept_0 = rng.normal(size=(2, 3)), rng.normal(size=3)
    coef_1, intercept_1 = rng.normal(size=(3, 1)), rng.normal(size=1)
    init_weights("float64_fits", 0, [coef_0, intercept_0, coef_1, intercept_1])
    init_weights("float32_data_float32_files", 1, [a.astype(np.float32) for a in (coef_0, intercept_0, coef_1, intercept_1)])
    init_weights("wrong_hidden_size", 0, [rng.normal(size=(2, 4)), rng.normal(size=4), coef_1, intercept_1])
    init_weights("missing_intercept", 0, [coef_0, None, coef_1, intercept_1])
    init_weights("one_layer_only", 0, [coef_0, intercept_0])
    init_weights("fortran_order", 0, [np.asfortranarray(coef_0), intercept_0, coef_1, intercept_1])
    init_weights("huge_values", 1, [coef_0 * 1e300, intercept_0, coef_1, intercept_1])

    # flags: the first byte picks the flag (its index in cli's param_flags(), sklearn's order; then
    # parse_float, parse_count, parse_bool), the rest is the value.
    (CORPUS / "flags").mkdir(parents=True, exist_ok=True)
    values = ["100,50", "relu", "adam", "0.0001", "auto", "constant", "0.001", "0.5", "200", "true", "42", "1e-4",
              "false", "false", "0.9", "true", "false", "0.1", "0.9", "0.999", "1e-08", "inf", "15000",
              " -1.5e-3 ", "18446744073709551615", ""]
    for index, value in enumerate(values):
        (CORPUS / "flags" / f"flag_{index:02d}").write_bytes(bytes([index]) + value.encode())


if __name__ == "__main__":
    main()
