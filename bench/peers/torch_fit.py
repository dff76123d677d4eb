#!/usr/bin/python3
"""PyTorch 1.13 peer: the workload's network trained as scikit-learn 1.2 trains it, timed.

  /usr/bin/python3 bench/peers/torch_fit.py --workload W2 --dtype float64 --data bench/.data --threads 1

The model is what a PyTorch user writes: nn.Sequential of nn.Linear and the hidden activation,
loaded with the workload's initial weights (nn.Linear keeps weight as (out, in): coef_i.T). Per
batch of nb rows (consecutive slices, no shuffling, the last one possibly shorter):

  loss = data_loss + 0.5 * alpha * sum_i sum(W_i^2) / nb          (weights only, as sklearn)
  data_loss = binary_cross_entropy_with_logits(z, y)   one logistic output (binary), mean over rows
            = cross_entropy(z, y)                      softmax output, mean over rows

Autograd differentiates data_loss; the L2 term's gradient alpha W / nb is added to each weight's
.grad after backward (as torch.optim adds weight decay), and its value, from torch.dot, to the
reported loss: putting W * W into the graph cost four extra passes over every weight (a quarter of
W3's time). This gives sklearn's gradients: (p - y) / nb at the output, (A^T delta + alpha W) / nb
for a weight. sklearn clips probabilities to [eps, 1 - eps] inside its loss VALUE only; the fused
losses here do not clip, which changes the reported loss only where p < 2.2e-16.

The optimizer update is written by hand under torch.no_grad(), as sklearn's _stochastic_optimizers:
  adam: t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
        p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
  sgd:  v = momentum v - lr g; p += momentum v - lr g (Nesterov) or p += v
torch.optim.Adam puts eps elsewhere (m_hat / (sqrt(v_hat) + eps), i.e. sklearn's eps scaled by
sqrt(1 - b2^t)), so it does not train the same model; torch.optim.SGD(nesterov=True) is the same
update as sklearn's for a constant learning rate, rounded differently. `--torch-optim` runs the
torch.optim classes instead, to see what the hand-written update costs (see docs/benchmarks.md).

The timed region is the epoch loop alone (the data are torch tensors sharing numpy's memory and
the model is built before it), after one untimed warm-up of one epoch on the first
min(n, 2 * batch_size) rows with a separate copy of the model. Intra-op threads:
torch.set_num_threads; OpenBLAS threads (float64/float32 GEMMs go to the system BLAS): threadpoolctl.
"""
import os
import sys
import time

# GNU OpenMP's idle threads spin; with torch's OpenMP pool and OpenBLAS's own pthreads on the same
# two cores the spinning threads steal the cores the GEMM needs (W3 float64 took 5x longer). Idle
# OpenMP threads sleep instead. Must be set before torch starts OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workload  # noqa: E402

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "logistic": torch.nn.Sigmoid,
               "identity": torch.nn.Identity}


def make_model(spec, coefs, intercepts, dtype):
    """(model, linears): nn.Sequential of Linear + activation, the output layer without activation."""
    modules, linears = [], []
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
        linear = torch.nn.Linear(coef.shape[0], coef.shape[1], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(coef.T))
            linear.bias.copy_(torch.from_numpy(intercept))
        modules.append(linear)
        linears.append(linear)
        if i + 1 < len(coefs):
            modules.append(ACTIVATIONS[spec["activation"]]())
    return torch.nn.Sequential(*modules), linears


class SklearnAdam:
    def __init__(self, params, spec):
        self.params, self.t = params, 0
        self.lr, self.b1, self.b2, self.eps = (spec["learning_rate_init"], spec["beta_1"],
                                               spec["beta_2"], spec["epsilon"])
        self.ms = [torch.zeros_like(p) for p in params]
        self.vs = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, m, v in zip(self.params, self.ms, self.vs):
            m.mul_(self.b1).add_(p.grad, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(p.grad, p.grad, value=1 - self.b2)
            p.addcdiv_(m, v.sqrt().add_(self.eps), value=-lr_t)


class SklearnSGD:
    def __init__(self, params, spec):
        if spec["learning_rate"] != "constant":
            raise ValueError(f"only a constant learning rate is implemented, got {spec['learning_rate']!r}")
        self.params, self.lr = params, spec["learning_rate_init"]
        self.momentum, self.nesterov = spec["momentum"], spec["nesterovs_momentum"]
        self.velocities = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self):
        for p, v in zip(self.params, self.velocities):
            v.mul_(self.momentum).add_(p.grad, alpha=-self.lr)
            if self.nesterov:
                p.add_(v, alpha=self.momentum).add_(p.grad, alpha=-self.lr)
            else:
                p.add_(v)


def make_optimizer(spec, params, torch_optim):
    if torch_optim:
        if spec["solver"] == "adam":
            return torch.optim.Adam(params, lr=spec["learning_rate_init"],
                                    betas=(spec["beta_1"], spec["beta_2"]), eps=spec["epsilon"])
        return torch.optim.SGD(params, lr=spec["learning_rate_init"], momentum=spec["momentum"],
                               nesterov=spec["nesterovs_momentum"])
    if spec["solver"] == "adam":
        return SklearnAdam(params, spec)
    if spec["solver"] == "sgd":
        return SklearnSGD(params, spec)
    raise ValueError(f"solver {spec['solver']!r} is not benchmarked")


def train(spec, model, linears, X, target, epochs, torch_optim):
    """sklearn's epoch loop; returns the last epoch's loss (sklearn's loss_)."""
    params = list(model.parameters())
    optimizer = make_optimizer(spec, params, torch_optim)
    binary = spec["n_outputs"] == 1
    half_alpha = 0.5 * spec["alpha"]
    n, batch = X.shape[0], spec["batch_size"]
    epoch_loss = float("nan")
    for _ in range(epochs):
        accumulated = 0.0
        for start in range(0, n, batch):
            X_batch, target_batch = X[start:start + batch], target[start:start + batch]
            rows = X_batch.shape[0]
            z = model(X_batch)
            if binary:
                data_loss = F.binary_cross_entropy_with_logits(z, target_batch)
            else:
                data_loss = F.cross_entropy(z, target_batch)
            for p in params:
                p.grad = None
            data_loss.backward()
            with torch.no_grad():
                l2 = 0.0
                for linear in linears:
                    # d/dW of 0.5 alpha sum(W^2) / nb, added as torch.optim adds weight decay
                    linear.weight.grad.add_(linear.weight, alpha=2.0 * half_alpha / rows)
                    flat = linear.weight.reshape(-1)
                    l2 += torch.dot(flat, flat).item()
            optimizer.step()
            accumulated += (data_loss.item() + half_alpha * l2 / rows) * rows
        epoch_loss = accumulated / n
    return epoch_loss


def main():
    def extra(parser):
        parser.add_argument("--torch-optim", action="store_true",
                            help="use torch.optim.Adam / SGD instead of sklearn's update")
        parser.add_argument("--blas-threads", type=int, default=None,
                            help="OpenBLAS threads (default: --threads)")
    args = workload.parse_args(__doc__.split("\n")[1], extra)
    spec, X, y, coefs, intercepts = workload.load(args.data, args.workload, args.dtype)
    dtype = {"float64": torch.float64, "float32": torch.float32}[args.dtype]
    torch.set_num_threads(args.threads)
    blas_threads = args.threads if args.blas_threads is None else args.blas_threads

    X_t = torch.from_numpy(X)
    if spec["n_outputs"] == 1:
        target = torch.from_numpy(y.astype(args.dtype).reshape(-1, 1))
    else:
        target = torch.from_numpy(y)

    with threadpool_limits(limits=blas_threads, user_api="blas"):
        warm_rows = min(len(y), 2 * spec["batch_size"])
        warm_model, warm_linears = make_model(spec, coefs, intercepts, dtype)
        train(spec, warm_model, warm_linears, X_t[:warm_rows], target[:warm_rows], 1, args.torch_optim)

        model, linears = make_model(spec, coefs, intercepts, dtype)
        start = time.perf_counter()
        loss = train(spec, model, linears, X_t, target, spec["max_iter"], args.torch_optim)
        seconds = time.perf_counter() - start
        blas = workload.blas_description()

    workload.report(system="pytorch-optim" if args.torch_optim else "pytorch",
                    workload=args.workload, dtype=args.dtype, threads=args.threads,
                    fit_seconds=seconds, loss=loss, n_iter=spec["max_iter"],
                    torch=torch.__version__, intra_op_threads=torch.get_num_threads(),
                    omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"), blas=blas)


if __name__ == "__main__":
    main()
