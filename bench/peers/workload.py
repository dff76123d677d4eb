"""Shared by the Python peers: command line, loading a workload, printing the result line.

A workload (written by bench/prepare_data.py) is an entry of <data>/workloads.json plus its .npy
files. Every peer prints exactly one JSON line on stdout:
  {"system": ..., "workload": "W2", "dtype": "float64", "threads": 1, "fit_seconds": 0.42,
   "loss": 0.0123, "n_iter": 100, ...}
where `loss` is the last epoch's training loss as sklearn's `loss_` (the mean over the epoch's
batches of the batch loss including the L2 term, weighted by batch rows).
"""
import argparse
import json
import os
import sys

import numpy as np


def parse_args(description, extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workload", required=True, help="W1, W2, W3 or W4")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--data", required=True, help="folder written by bench/prepare_data.py")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / intra-op threads")
    if extra:
        extra(parser)
    args = parser.parse_args()
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    return args


def load(data_dir, name, dtype):
    """(spec, X, y, coefs, intercepts) of workload `name` in `dtype`."""
    index_path = os.path.join(data_dir, "workloads.json")
    try:
        with open(index_path) as f:
            workloads = json.load(f)["workloads"]
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"{index_path}: cannot read the workloads ({error}); run bench/prepare_data.py")
    if name not in workloads:
        sys.exit(f"{index_path}: no workload {name!r} (have {', '.join(sorted(workloads))})")
    spec = workloads[name]
    files = spec["files"]
    if dtype not in files["X"]:
        sys.exit(f"workload {name} has no {dtype} variant (has {', '.join(files['X'])})")

    def npy(relative):
        return np.load(os.path.join(data_dir, relative), allow_pickle=False)

    X = npy(files["X"][dtype])
    y = npy(files["y"])
    coefs = [npy(p) for p in files["coefs"][dtype]]
    intercepts = [npy(p) for p in files["intercepts"][dtype]]
    arrays = {files["X"][dtype]: X, **dict(zip(files["coefs"][dtype], coefs)),
              **dict(zip(files["intercepts"][dtype], intercepts))}
    for relative, array in arrays.items():
        if array.dtype != np.dtype(dtype):
            sys.exit(f"{os.path.join(data_dir, relative)}: dtype {array.dtype}, expected {dtype}")
    if y.dtype != np.int64:
        sys.exit(f"{os.path.join(data_dir, files['y'])}: dtype {y.dtype}, expected int64")
    units = spec["layer_units"]
    if X.shape != (spec["n_samples"], spec["n_features"]) or y.shape != (spec["n_samples"],):
        sys.exit(f"workload {name}: X {X.shape} / y {y.shape} do not match workloads.json")
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
        if coef.shape != (units[i], units[i + 1]) or intercept.shape != (units[i + 1],):
            sys.exit(f"workload {name}: layer {i} weights {coef.shape}/{intercept.shape} do not "
                     f"match layer_units {units}")
    return spec, X, y, coefs, intercepts


def blas_description():
    """Which BLAS numpy (and anything else loaded) runs, from threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (no threadpoolctl)"
    parts = []
    for pool in threadpool_info():
        if pool.get("user_api") != "blas":
            continue
        parts.append(f"{pool.get('internal_api')} {pool.get('version')} "
                     f"{pool.get('architecture', '')} {pool.get('num_threads')} threads".strip())
    return "; ".join(parts)


def report(**fields):
    print(json.dumps(fields), flush=True)
