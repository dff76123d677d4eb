#!/usr/bin/python3
"""scikit-learn 1.2 peer: time MLPClassifier.fit on a benchmark workload, from the given weights.

  /usr/bin/python3 bench/peers/sklearn_fit.py --workload W2 --dtype float64 --data bench/.data --threads 1

How sklearn starts from the given initial weights: `_initialize` asks `_init_coef(fan_in, fan_out,
dtype)` for each layer in order; the estimator instance gets its own `_init_coef` that hands out
the workload's coef_i / intercept_i (checking the shapes) instead of drawing them. Nothing else of
sklearn changes.

The timed region is `fit` alone (input validation, label binarization and the epochs), after one
untimed warm-up fit of one epoch on the first min(n, 2 * batch_size) rows. BLAS threads are limited
with threadpoolctl (and by the driver's OPENBLAS_NUM_THREADS).
"""
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workload  # noqa: E402


def make_classifier(spec, coefs, intercepts, max_iter):
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(spec["hidden_layer_sizes"]), activation=spec["activation"],
        solver=spec["solver"], alpha=spec["alpha"], batch_size=spec["batch_size"],
        learning_rate=spec["learning_rate"], learning_rate_init=spec["learning_rate_init"],
        max_iter=max_iter, shuffle=spec["shuffle"], random_state=spec["seed"], tol=spec["tol"],
        momentum=spec["momentum"], nesterovs_momentum=spec["nesterovs_momentum"],
        beta_1=spec["beta_1"], beta_2=spec["beta_2"], epsilon=spec["epsilon"],
        n_iter_no_change=spec["n_iter_no_change"])
    given = list(zip(coefs, intercepts))

    def init_coef_from_given(fan_in, fan_out, dtype):
        coef, intercept = given.pop(0)
        if coef.shape != (fan_in, fan_out):
            raise ValueError(f"given coef {coef.shape} but sklearn wants ({fan_in}, {fan_out})")
        return coef.astype(dtype, copy=True), intercept.astype(dtype, copy=True)

    clf._init_coef = init_coef_from_given
    return clf


def main():
    args = workload.parse_args(__doc__.split("\n")[1])
    spec, X, y, coefs, intercepts = workload.load(args.data, args.workload, args.dtype)
    warnings.simplefilter("ignore", ConvergenceWarning)

    with threadpool_limits(limits=args.threads, user_api="blas"):
        warm_rows = min(len(y), 2 * spec["batch_size"])
        if np.unique(y[:warm_rows]).size != spec["n_classes"]:
            warm_rows = len(y)
        make_classifier(spec, coefs, intercepts, 1).fit(X[:warm_rows], y[:warm_rows])

        clf = make_classifier(spec, coefs, intercepts, spec["max_iter"])
        start = time.perf_counter()
        clf.fit(X, y)
        seconds = time.perf_counter() - start
        blas = workload.blas_description()

    if clf.coefs_[0].dtype != np.dtype(args.dtype):
        sys.exit(f"sklearn trained in {clf.coefs_[0].dtype}, not {args.dtype}")
    workload.report(system="sklearn", workload=args.workload, dtype=args.dtype,
                    threads=args.threads, fit_seconds=seconds, loss=float(clf.loss_),
                    n_iter=int(clf.n_iter_), blas=blas)


if __name__ == "__main__":
    main()
