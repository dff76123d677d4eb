#!/usr/bin/python3
"""Write the benchmark workloads once: data, labels, initial weights and hyperparameters.

Run with Debian's Python (numpy 1.24):  /usr/bin/python3 bench/prepare_data.py [--out bench/.data]

Every system of the benchmark (tapegrad, the explicit-formula loop, scikit-learn, PyTorch,
LibTorch, the GEMM bound) reads the SAME bytes from the output folder:

  <out>/workloads.json                      hyperparameters and file names of every workload
  <out>/<W>/X_<dtype>.npy                   (n_samples, n_features), C order, float64 or float32
  <out>/<W>/y.npy                           (n_samples,) int64 class labels 0..n_classes-1
  <out>/<W>/coef_<i>_<dtype>.npy            (layer_units[i], layer_units[i+1]), sklearn's coefs_[i]
  <out>/<W>/intercept_<i>_<dtype>.npy       (layer_units[i+1],), sklearn's intercepts_[i]

The initial weights are drawn as scikit-learn 1.2's `_init_coef` draws them (Glorot uniform:
bound = sqrt(6 / (fan_in + fan_out)), or factor 2 for a logistic hidden activation; coef then
intercept, layer by layer, from numpy.random.RandomState(seed)), in float64; the float32 files are
the float64 values cast, as sklearn casts them.

Every epoch runs: shuffle off, tol 0, n_iter_no_change = max_iter + 1.

The script is idempotent: when workloads.json already describes the same workloads (same spec,
same source-file hashes), nothing is rewritten. Files are written to a temporary name and renamed,
and workloads.json is written last, so an interrupted run never leaves a folder that looks complete.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(REPO, "examples", "data")
FORMAT_VERSION = 1
SEED = 0  # the seed of every random draw (data and initial weights)

# Hyperparameters shared by every workload: those of sklearn 1.2 unless a workload sets its own.
COMMON = {
    "alpha": 1e-4,
    "learning_rate": "constant",
    "learning_rate_init": 0.001,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-8,
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "shuffle": False,
    "tol": 0.0,
}

WORKLOADS = [
    {"name": "W1", "title": "seed", "source": "moons_train.csv", "dtypes": ["float64"],
     "hidden_layer_sizes": [100], "activation": "relu", "solver": "adam",
     "batch_size": 60, "max_iter": 200},
    {"name": "W2", "title": "digits", "source": "digits.csv", "dtypes": ["float64"],
     "hidden_layer_sizes": [100], "activation": "relu", "solver": "adam",
     "batch_size": 200, "max_iter": 100},
    {"name": "W3", "title": "wide", "source": "uniform", "n_samples": 20000, "n_features": 784,
     "n_classes": 10, "dtypes": ["float64", "float32"],
     "hidden_layer_sizes": [256, 128], "activation": "relu", "solver": "adam",
     "batch_size": 200, "max_iter": 3},
    {"name": "W4", "title": "deep-narrow", "source": "normal", "n_samples": 5000, "n_features": 32,
     "n_classes": 10, "dtypes": ["float64"],
     "hidden_layer_sizes": [64, 64, 64, 64], "activation": "tanh", "solver": "sgd",
     "learning_rate_init": 0.01, "momentum": 0.9, "nesterovs_momentum": True,
     "batch_size": 32, "max_iter": 10},
]


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_labelled_csv(path):
    """A CSV whose first row names the columns and whose last column is an integer label."""
    try:
        table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    except (OSError, ValueError) as error:
        sys.exit(f"{path}: cannot read the data set ({error})")
    if table.shape[1] < 2:
        sys.exit(f"{path}: expected features and a label column, got {table.shape[1]} column(s)")
    labels = table[:, -1]
    if not np.all(labels == np.round(labels)):
        sys.exit(f"{path}: the last column (the label) must hold integers")
    return table[:, :-1].copy(), labels.astype(np.int64)


def make_data(spec, rng):
    """X (float64) and y (int64, 0..k-1) of a workload."""
    source = spec["source"]
    if source == "moons_train.csv":
        return read_labelled_csv(os.path.join(DATA_DIR, source))
    if source == "digits.csv":
        X, y = read_labelled_csv(os.path.join(DATA_DIR, source))
        return X / 16.0, y
    n, d, k = spec["n_samples"], spec["n_features"], spec["n_classes"]
    if source == "uniform":
        X = rng.uniform(0.0, 1.0, (n, d))
    elif source == "normal":
        X = rng.normal(0.0, 1.0, (n, d))
    else:
        raise ValueError(f"unknown data source {source!r}")
    # Labels a network can learn: the argmax of a fixed random linear map of the centred rows.
    projection = rng.normal(0.0, 1.0, (d, k))
    y = np.argmax((X - X.mean(axis=0)) @ projection, axis=1).astype(np.int64)
    return X, y


def glorot_init(layer_units, activation, rng):
    """scikit-learn 1.2's MLP initialisation (`_init_coef`), layer by layer, coef then intercept."""
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def save_npy(path, array):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(array))
    os.replace(tmp, path)


def describe(spec, X, y):
    """The workload entry of workloads.json (without file names)."""
    n_classes = int(y.max()) + 1
    if sorted(set(y.tolist())) != list(range(n_classes)):
        raise ValueError(f"{spec['name']}: labels must be 0..k-1 with every class present")
    n_outputs = 1 if n_classes == 2 else n_classes
    entry = dict(COMMON)
    entry.update({key: value for key, value in spec.items() if key not in ("n_samples", "n_features")})
    entry.update({
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "n_classes": n_classes,
        "n_outputs": n_outputs,
        "layer_units": [int(X.shape[1])] + list(spec["hidden_layer_sizes"]) + [n_outputs],
        "out_activation": "logistic" if n_outputs == 1 else "softmax",
        "loss": "binary_log_loss" if n_outputs == 1 else "log_loss",
        "n_iter_no_change": spec["max_iter"] + 1,
        "seed": SEED,
    })
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "bench", ".data"),
                        help="output folder (default: bench/.data)")
    parser.add_argument("--force", action="store_true", help="rewrite even when up to date")
    args = parser.parse_args()

    for name in {w["source"] for w in WORKLOADS if w["source"].endswith(".csv")}:
        if not os.path.isfile(os.path.join(DATA_DIR, name)):
            sys.exit(f"prepare_data: {os.path.join(DATA_DIR, name)} is missing (the repository ships it)")
    sources = {name: sha256_of(os.path.join(DATA_DIR, name))
               for name in sorted({w["source"] for w in WORKLOADS if w["source"].endswith(".csv")})}
    stamp = {"format_version": FORMAT_VERSION, "seed": SEED, "common": COMMON,
             "spec": WORKLOADS, "sources": sources}
    index_path = os.path.join(args.out, "workloads.json")
    if not args.force and os.path.exists(index_path):
        with open(index_path) as f:
            try:
                if json.load(f).get("stamp") == json.loads(json.dumps(stamp)):
                    print(f"prepare_data: {index_path} is up to date")
                    return
            except json.JSONDecodeError:
                pass

    workloads = {}
    for index, spec in enumerate(WORKLOADS):
        # One generator per workload: adding a workload never changes another's bytes.
        data_rng = np.random.RandomState(SEED + 1000 * index)
        init_rng = np.random.RandomState(SEED + 1000 * index + 1)
        X, y = make_data(spec, data_rng)
        entry = describe(spec, X, y)
        coefs, intercepts = glorot_init(entry["layer_units"], spec["activation"], init_rng)

        folder = os.path.join(args.out, spec["name"])
        os.makedirs(folder, exist_ok=True)
        files = {"y": f"{spec['name']}/y.npy", "X": {}, "coefs": {}, "intercepts": {}}
        save_npy(os.path.join(args.out, files["y"]), y)
        for dtype in spec["dtypes"]:
            files["X"][dtype] = f"{spec['name']}/X_{dtype}.npy"
            save_npy(os.path.join(args.out, files["X"][dtype]), X.astype(dtype))
            files["coefs"][dtype], files["intercepts"][dtype] = [], []
            for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
                coef_file = f"{spec['name']}/coef_{i}_{dtype}.npy"
                intercept_file = f"{spec['name']}/intercept_{i}_{dtype}.npy"
                save_npy(os.path.join(args.out, coef_file), coef.astype(dtype))
                save_npy(os.path.join(args.out, intercept_file), intercept.astype(dtype))
                files["coefs"][dtype].append(coef_file)
                files["intercepts"][dtype].append(intercept_file)
        entry["files"] = files
        workloads[spec["name"]] = entry
        print(f"prepare_data: {spec['name']} ({spec['title']}): X {X.shape}, {entry['n_classes']} classes, "
              f"layers {entry['layer_units']}, dtypes {', '.join(spec['dtypes'])}")

    tmp = index_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"stamp": stamp, "workloads": workloads}, f, indent=1)
        f.write("\n")
    os.replace(tmp, index_path)
    print(f"prepare_data: wrote {index_path}")


if __name__ == "__main__":
    main()
