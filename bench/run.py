#!/usr/bin/python3
"""tapegrad's benchmark: every system on every workload, interleaved, median fit seconds.

  /usr/bin/python3 bench/run.py [--repeats 3] [--markdown report.md]

What it does, in order:
 1. bench/prepare_data.py writes the workloads' .npy files and workloads.json into --data
    (default bench/.data; nothing is rewritten when they are up to date).
 2. `cmake --build` of the benchmark programs in --build-dir (default build-bench/), configuring
    it from bench/CMakeLists.txt first when the folder has no CMakeCache.txt. A failed build is
    reported and the run goes on with the programs that exist.
 3. For each repetition, for each workload, every system at every thread count runs once, in an
    order rotated from one repetition to the next (machine drift hits all systems alike); the
    GEMM bound (gemm_bound) runs once per repetition. Each run is a fresh process that prints one
    JSON line with its fit seconds and final training loss, except the command line (`cli`):
    run.py times the whole `tapegrad fit` process itself and reads the loss from its model file.
 4. Prints (and with --markdown writes) the tables: median [min-max] fit seconds per system at its
    faster thread count, the ratios to the best peer (fastest of scikit-learn, PyTorch, LibTorch),
    to the explicit-formula loop and to the GEMM bound, with the targets; the loss of every system
    relative to scikit-learn's (equal models give ~1e-15 in float64); the machine.

A system whose program is missing (tapegrad_fit before tapegrad's estimator exists, libtorch_fit
without libtorch-dev, torch without python3-torch) is skipped with a note.

The command line (`cli`, "tapegrad CLI"): `tapegrad fit --data X.npy --target y.npy --init-weights DIR
--save model.json` with the workload's hyperparameters as flags, timed from the start of the process
to its exit (start-up, reading the .npy files, the fit, writing the model file; no warm-up). Its
target is half of the estimator's margin over the best peer (issue #5).

Threads: a system runs with --threads N and OPENBLAS_NUM_THREADS=N, OMP_NUM_THREADS=N for N in
--threads (default 1,2; the command line has no threads flag: the environment alone); the tables
show each system at its faster N. PyTorch and LibTorch also
get OMP_WAIT_POLICY=PASSIVE (see TORCH_ENV).
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
PYTHON = "/usr/bin/python3"  # Debian's: numpy 1.24, scikit-learn 1.2.1, torch 1.13

# Workload cases (workload, dtype) in table order, and the targets of tapegrad's estimator.
CASES = [("W1", "float64"), ("W2", "float64"), ("W3", "float64"), ("W3", "float32"), ("W4", "float64")]
TARGETS = {  # (min speedup over the best peer, max overhead over the explicit loop, max x GEMM bound)
    ("W1", "float64"): (10.0, 1.30, None),
    ("W2", "float64"): (3.0, 1.10, None),
    ("W3", "float64"): (2.0, 1.10, 1.3),
    ("W3", "float32"): (1.5, 1.10, None),
    ("W4", "float64"): (4.0, 1.30, None),
}
PEERS = ["sklearn", "pytorch", "libtorch"]
BUILD_TARGETS = ["gemm_bound", "libtorch_fit", "tapegrad_fit", "tapegrad_cli"]  # tapegrad_cli: `tapegrad`
# Debian's torch runs its intra-op threads on GNU OpenMP, whose idle threads spin; beside OpenBLAS's
# own threads on the same cores they starve the GEMMs (LibTorch at 2 threads ran 10x slower). GNU
# OpenMP reads this when the library loads, so it has to be in the environment of the process.
TORCH_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}
TAPEGRAD = ["tapegrad", "explicit", "cli"]
LABELS = {"tapegrad": "tapegrad (tape)", "explicit": "explicit loop", "cli": "tapegrad CLI (process)",
          "sklearn": "scikit-learn 1.2",
          "pytorch": "PyTorch 1.13", "libtorch": "LibTorch 1.13", "gemm-bound": "GEMM bound"}
# Python peers may run without these (they slow numpy's OpenBLAS on some processors); see --openblas-env.
OPENBLAS_CORE_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def log(message):
    print(message, file=sys.stderr, flush=True)


def machine_description():
    model, cores = platform.processor() or "unknown", os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        model = fields.get("Model name", model).strip()
        cores = fields.get("CPU(s)", str(cores)).strip()
        threads_per_core = fields.get("Thread(s) per core", "?").strip()
        l2, l3 = fields.get("L2 cache", "?").strip(), fields.get("L3 cache", "?").strip()
        flags = fields.get("Flags", "")
        simd = ", ".join(f for f in ("avx512f", "avx2", "fma") if f in flags.split())
        return f"{model}, {cores} CPUs ({threads_per_core} thread per core), L2 {l2}, L3 {l3}, {simd}"
    except (OSError, subprocess.CalledProcessError, ValueError):
        return f"{model}, {cores} CPUs"


def build(build_dir):
    """Configure (if needed) and build the benchmark programs; returns a note on failure."""
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        log(f"run: configuring {build_dir} from bench/CMakeLists.txt")
        configure = subprocess.run(["cmake", "-S", BENCH, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
                                   capture_output=True, text=True)
        if configure.returncode != 0:
            log(configure.stdout[-3000:] + configure.stderr[-3000:])
            return f"configuring {build_dir} failed: only the Python systems run"
    with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
        torch_found = not any(line.startswith("Torch_DIR:") and line.strip().endswith("NOTFOUND") for line in f)
    failed = []
    for target in BUILD_TARGETS:
        if target == "libtorch_fit" and not torch_found:
            continue  # the libtorch peer is then skipped with its own note  # one at a time: a part of the tree that does not compile stops only its program
        log(f"run: cmake --build {build_dir} --target {target}")
        built = subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", target],
                               capture_output=True, text=True)
        if built.returncode != 0:
            log(built.stdout[-3000:] + built.stderr[-3000:])
            failed.append(target)
    if failed:
        return (f"building {', '.join(failed)} in {build_dir} failed (the compiler's output is on stderr); "
                "an older build of it runs if one exists")
    return None


def python_has(module):
    return subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


class System:
    """How to run one system: a command per (workload, dtype, threads), or a note why not."""

    def __init__(self, name, command, missing=None, python=False, env=None):
        self.name, self.command, self.missing, self.python = name, command, missing, python
        self.env = env or {}

    def argv(self, data, workload, dtype, threads):
        return self.command + ["--workload", workload, "--dtype", dtype, "--data", data,
                               "--threads", str(threads)]

    def run(self, data, workload, dtype, threads, env, timeout):
        """(result dict, None) or (None, error text): the last JSON line the program prints."""
        lines, error = run_once(self.argv(data, workload, dtype, threads), env, timeout)
        return (lines[-1], None) if lines else (None, error)


class CommandLineSystem(System):
    """`tapegrad fit` as a user runs it on the workload's .npy files, timed as a whole process.

    The hyperparameters come from workloads.json as flags (floats as Python's repr, which strtod
    reads back to the same double); the initial weights from a folder of links named as
    --init-weights wants them (coef_0.npy, intercept_0.npy, ...) to the workload's own files; the
    model is written to a temporary folder, and its "loss" (sklearn's loss_, every digit) is the
    final training loss. fit_seconds is the process's wall time measured here: start-up, loading,
    the fit and writing the model file, with no warm-up. Its model file's "model" object holds
    "loss" and "n_iter" (cli/model_file.cpp)."""

    def __init__(self, program, missing=None):
        super().__init__("cli", [program] if program else [], missing)
        self.scratch = None  # the temporary folder of the weight links and model files

    def flags(self, data, workload, dtype):
        with open(os.path.join(data, "workloads.json")) as f:
            spec = json.load(f)["workloads"][workload]
        files = spec["files"]
        init = os.path.join(self.scratch, f"init_{workload}_{dtype}")
        if not os.path.isdir(init):
            os.makedirs(init)
            for i, (coef, intercept) in enumerate(zip(files["coefs"][dtype], files["intercepts"][dtype])):
                os.symlink(os.path.join(data, coef), os.path.join(init, f"coef_{i}.npy"))
                os.symlink(os.path.join(data, intercept), os.path.join(init, f"intercept_{i}.npy"))
        boolean = {True: "true", False: "false"}
        return spec, [
            "--data", os.path.join(data, files["X"][dtype]), "--target", os.path.join(data, files["y"]),
            f"--dtype={dtype}", f"--init-weights={init}",
            "--hidden-layer-sizes=" + ",".join(str(size) for size in spec["hidden_layer_sizes"]),
            f"--activation={spec['activation']}", f"--solver={spec['solver']}", f"--alpha={spec['alpha']!r}",
            f"--batch-size={spec['batch_size']}", f"--learning-rate={spec['learning_rate']}",
            f"--learning-rate-init={spec['learning_rate_init']!r}", f"--max-iter={spec['max_iter']}",
            f"--shuffle={boolean[spec['shuffle']]}", f"--random-state={spec['seed']}", f"--tol={spec['tol']!r}",
            f"--momentum={spec['momentum']!r}", f"--nesterovs-momentum={boolean[spec['nesterovs_momentum']]}",
            f"--beta-1={spec['beta_1']!r}", f"--beta-2={spec['beta_2']!r}", f"--epsilon={spec['epsilon']!r}",
            f"--n-iter-no-change={spec['n_iter_no_change']}",
        ]

    def run(self, data, workload, dtype, threads, env, timeout):
        if self.scratch is None:
            self.scratch = tempfile.mkdtemp(prefix="tapegrad-bench-cli-")
        spec, flags = self.flags(data, workload, dtype)
        model = os.path.join(self.scratch, f"model_{workload}_{dtype}_t{threads}.json")
        if os.path.exists(model):
            os.remove(model)
        argv = self.command + ["fit"] + flags + [f"--save={model}"]
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout} s"
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            return None, f"exit {done.returncode}: {done.stderr.strip()[-500:]}"
        try:
            with open(model) as f:
                fitted = json.load(f)["model"]  # {"format", "version", "checksum", "model": {...}}
            loss, n_iter = float(fitted["loss"]), int(fitted["n_iter"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            return None, f"no readable model file {model} ({error}); stdout: {done.stdout.strip()[-300:]}"
        os.remove(model)
        if n_iter != spec["max_iter"]:
            return None, f"trained {n_iter} epochs, not max_iter = {spec['max_iter']}"
        return {"system": "cli", "workload": workload, "dtype": dtype, "threads": threads,
                "fit_seconds": seconds, "loss": loss, "n_iter": n_iter}, None

    def clean_up(self):
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def find_program(build_dir, name, extra_places=()):
    for place in [os.path.join(build_dir, name), os.path.join(build_dir, "peers", name), *extra_places]:
        if os.path.isfile(place) and os.access(place, os.X_OK):
            return place
    return None


def make_systems(args):
    systems = {}
    tapegrad_fit = args.tapegrad_fit or find_program(
        args.build_dir, "tapegrad_fit", [os.path.join(REPO, "build", "bench", "tapegrad_fit")])
    missing_tapegrad = None if tapegrad_fit else (
        f"no tapegrad_fit program (looked in {args.build_dir} and build/bench/; it is built from "
        "bench/tapegrad_fit.cpp once that exists)")
    systems["tapegrad"] = System("tapegrad", [tapegrad_fit] if tapegrad_fit else [], missing_tapegrad)
    systems["explicit"] = System("explicit", [tapegrad_fit, "--explicit"] if tapegrad_fit else [],
                                 missing_tapegrad)
    # The tapegrad_cli target's program `tapegrad`, in the source tree's build folder under build_dir.
    cli = args.tapegrad_cli or find_program(
        args.build_dir, os.path.join("tapegrad", "cli", "tapegrad"), [os.path.join(REPO, "build", "cli", "tapegrad")])
    systems["cli"] = CommandLineSystem(cli, None if cli else (
        f"no tapegrad program (looked in {args.build_dir}/tapegrad/cli/ and build/cli/; the bench project "
        "builds it as the target tapegrad_cli)"))
    systems["sklearn"] = System("sklearn", [PYTHON, os.path.join(BENCH, "peers", "sklearn_fit.py")],
                                None if python_has("sklearn") else "no scikit-learn (apt-get install python3-sklearn)",
                                python=True)
    systems["pytorch"] = System("pytorch", [PYTHON, os.path.join(BENCH, "peers", "torch_fit.py")],
                                None if python_has("torch") else "no PyTorch (apt-get install python3-torch)",
                                python=True, env=TORCH_ENV)
    libtorch_fit = find_program(args.build_dir, "libtorch_fit")
    systems["libtorch"] = System("libtorch", [libtorch_fit] if libtorch_fit else [],
                                 None if libtorch_fit else "no libtorch_fit program (apt-get install libtorch-dev, "
                                 "then rebuild: rm -r the build folder)", env=TORCH_ENV)
    return {name: systems[name] for name in args.systems}


def run_once(argv, env, timeout):
    """(result dict, None) or (None, error text) of one benchmark process."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[-500:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return None, f"printed no JSON line: {done.stdout.strip()[-300:]}"
    try:
        return [json.loads(line) for line in lines], None
    except json.JSONDecodeError as error:
        return None, f"bad JSON line ({error})"


def environment(threads, python, openblas_env, extra=None):
    env = dict(os.environ)
    env.update(extra or {})
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    if openblas_env == "unset" or (openblas_env == "unset-for-python" and python):
        for var in OPENBLAS_CORE_VARS:
            env.pop(var, None)
    return env


def summarize(times):
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


def fmt_seconds(seconds):
    if seconds >= 10:
        return f"{seconds:.1f}"
    if seconds >= 1:
        return f"{seconds:.2f}"
    if seconds >= 0.1:
        return f"{seconds:.3f}"
    return f"{seconds:.4f}"


def cell(summary, threads=None):
    if summary is None:
        return "-"
    text = f"{fmt_seconds(summary['median'])} [{fmt_seconds(summary['min'])}-{fmt_seconds(summary['max'])}]"
    return text + (f" t{threads}" if threads is not None else "")


def best_variant(results, system, case):
    """(threads, summary) of the system's faster thread count on the case, or (None, None)."""
    best = (None, None)
    for (name, c, threads), runs in results.items():
        if name != system or c != case or not runs:
            continue
        summary = summarize([r["fit_seconds"] for r in runs])
        if best[1] is None or summary["median"] < best[1]["median"]:
            best = (threads, summary)
    return best


def last_loss(results, system, case, threads):
    runs = results.get((system, case, threads)) or []
    return runs[-1].get("loss") if runs else None


def report(args, results, bounds, ceilings, gflop, peaks, notes, errors, machine, started, seconds):
    out = []
    out.append(f"Run of {started} ({seconds / 60:.1f} min), `{' '.join(sys.argv)}`  ")
    out.append(f"Machine: {machine}  ")
    out.append(f"Repetitions: {args.repeats} ({args.heavy_repeats} for W3); threads tried: "
               f"{', '.join(map(str, args.threads))}; load average at start/end: {notes['load']}  ")
    out.append(f"OpenBLAS environment: {notes['openblas_env']}  ")
    out.append(f"BLAS seen by numpy: {notes.get('numpy_blas', '?')}")
    out.append("")
    systems = [s for s in args.systems]
    header = ["workload", "dtype"] + [LABELS[s] for s in systems] + ["GEMM bound"]
    out.append("Median fit seconds [min-max] at each system's faster thread count (tN); for the tapegrad CLI "
               "the whole `tapegrad fit` process (start-up, loading the .npy files, fit, writing the model file):")
    out.append("")
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    ratios = []
    for case in CASES:
        if case not in args.cases:
            continue
        row = [case[0], case[1]]
        medians = {}
        for system in systems:
            threads, summary = best_variant(results, system, case)
            row.append(cell(summary, threads))
            if summary:
                medians[system] = (summary["median"], threads)
        bound = min(((b, t) for (c, t), b in bounds.items() if c == case), default=None)
        row.append(f"{fmt_seconds(bound[0])} t{bound[1]}" if bound else "-")
        out.append("| " + " | ".join(row) + " |")
        ratios.append((case, medians, bound))

    out.append("")
    out.append("Ratios (medians; best peer = fastest of scikit-learn, PyTorch, LibTorch at its faster thread "
               "count; speedup = best peer / tapegrad; CLI speedup = best peer's fit / the CLI's whole process):")
    out.append("")
    out.append("| workload | dtype | best peer | tapegrad speedup (target) | CLI speedup (target: half the margin) | "
               "tape / explicit (target) | tapegrad / GEMM bound (target) | best peer / GEMM bound |")
    out.append("|---|---|---|---|---|---|---|---|")
    for case, medians, bound in ratios:
        speedup_target, overhead_target, bound_target = TARGETS[case]
        peers = [(medians[p][0], p) for p in PEERS if p in medians]
        best = min(peers) if peers else None
        tape = medians.get("tapegrad", (None,))[0]
        explicit = medians.get("explicit", (None,))[0]
        cli = medians.get("cli", (None,))[0]

        def ratio(a, b, target, at_least):
            if a is None or b is None:
                return "-" + (f" ({'>=' if at_least else '<='} {target:g}x)" if target else "")
            text = f"{a / b:.2f}x"
            if target:
                ok = a / b >= target if at_least else a / b <= target
                text += f" ({'>=' if at_least else '<='} {target:g}x {'met' if ok else 'NOT met'})"
            return text
        out.append("| " + " | ".join([
            case[0], case[1], f"{LABELS[best[1]]} {fmt_seconds(best[0])}" if best else "-",
            ratio(best[0] if best else None, tape, speedup_target, True),
            ratio(best[0] if best else None, cli, speedup_target / 2, True),
            ratio(tape, explicit, overhead_target, False),
            ratio(tape, bound[0] if bound else None, bound_target, False),
            ratio(best[0] if best else None, bound[0] if bound else None, None, True),
        ]) + " |")

    out.append("")
    out.append("Every variant (median [min-max] seconds; final training loss relative to scikit-learn's at the "
               "same thread count):")
    out.append("")
    out.append("| workload | dtype | system | threads | fit seconds | loss | loss vs sklearn |")
    out.append("|---|---|---|---|---|---|---|")
    for case in CASES:
        if case not in args.cases:
            continue
        for system in systems:
            for threads in args.threads:
                runs = results.get((system, case, threads))
                if not runs:
                    continue
                summary = summarize([r["fit_seconds"] for r in runs])
                loss = last_loss(results, system, case, threads)
                reference = last_loss(results, "sklearn", case, threads)
                relative = (f"{abs(loss - reference) / abs(reference):.1e}"
                            if loss is not None and reference else "-")
                out.append(f"| {case[0]} | {case[1]} | {LABELS[system]} | {threads} | {cell(summary)} | "
                           f"{loss:.10g} | {relative} |")
        for threads in args.threads:
            if (case, threads) in bounds:
                out.append(f"| {case[0]} | {case[1]} | GEMM bound | {threads} | "
                           f"{fmt_seconds(bounds[(case, threads)])} (fastest) | - | - |")
    out.append("")
    if gflop:
        out.append("GEMM work of a fit and the bound's throughput (GFLOP / bound seconds):")
        out.append("")
        out.append("| workload | dtype | GFLOP per fit | " +
                   " | ".join(f"bound t{t} (GFLOP/s)" for t in args.threads) + " |")
        out.append("|---|---|---|" + "---|" * len(args.threads))
        for case in CASES:
            if case not in gflop:
                continue
            cells = [f"{fmt_seconds(bounds[(case, t)])} s ({gflop[case] / bounds[(case, t)]:.1f})"
                     if (case, t) in bounds else "-" for t in args.threads]
            out.append(f"| {case[0]} | {case[1]} | {gflop[case]:.3g} | " + " | ".join(cells) + " |")
        out.append("")
    if ceilings:
        out.append("OpenBLAS throughput: a 1024x1024x1024 GEMM " + "; ".join(
            f"{dtype} t{threads} {gflops:.1f} GFLOP/s" for (dtype, threads), gflops in sorted(ceilings.items())))
        out.append("")
    if peaks:
        out.append("Fastest GEMM shape (m x n x k) of the workloads: " + "; ".join(
            f"{dtype} t{threads} {shape} {gflops:.1f} GFLOP/s"
            for (dtype, threads), (gflops, shape) in sorted(peaks.items())))
        out.append("")
    if notes["skipped"]:
        out.append("Skipped: " + "; ".join(f"{name}: {why}" for name, why in notes["skipped"].items()))
        out.append("")
    if notes.get("build"):
        out.append("Build: " + notes["build"])
        out.append("")
    if errors:
        out.append("Failed runs:")
        for error in errors:
            out.append(f"- {error}")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="repetitions of every run (default 3)")
    parser.add_argument("--heavy-repeats", type=int, default=3,
                        help="repetitions of the W3 runs, at most --repeats (default 3)")
    parser.add_argument("--threads", default="1,2", help="thread counts to try (default 1,2)")
    parser.add_argument("--workloads", default="W1,W2,W3,W4")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--systems", default=",".join(TAPEGRAD + PEERS),
                        help="comma list of " + ", ".join(TAPEGRAD + PEERS))
    parser.add_argument("--no-gemm-bound", action="store_true")
    parser.add_argument("--data", default=os.path.join(BENCH, ".data"))
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build-bench"))
    parser.add_argument("--tapegrad-fit", default=None, help="path of the tapegrad_fit program")
    parser.add_argument("--tapegrad-cli", default=None, help="path of the tapegrad command-line program")
    parser.add_argument("--markdown", default=None, help="also write the report to this file")
    parser.add_argument("--json", default=None, help="write every run's JSON result to this file")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed")
    parser.add_argument("--openblas-env", choices=["keep", "unset-for-python", "unset"], default="unset-for-python",
                        help="OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE: keep them, unset them for the Python peers "
                             "(numpy, torch; default), or for every system")
    parser.add_argument("--quick", action="store_true", help="one repetition (a smoke test, not a measurement)")
    args = parser.parse_args()
    if args.quick:
        args.repeats = args.heavy_repeats = 1
    if args.repeats < 1 or args.heavy_repeats < 1:
        parser.error("--repeats and --heavy-repeats must be >= 1")
    args.heavy_repeats = min(args.heavy_repeats, args.repeats)
    try:
        args.threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error(f"--threads must be a comma list of integers, got {args.threads!r}")
    if any(t < 1 for t in args.threads):
        parser.error("--threads must be >= 1")
    args.systems = [s for s in args.systems.split(",") if s]
    unknown = [s for s in args.systems if s not in TAPEGRAD + PEERS]
    if unknown:
        parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(TAPEGRAD + PEERS)}")
    workloads, dtypes = args.workloads.split(","), args.dtypes.split(",")
    args.cases = [c for c in CASES if c[0] in workloads and c[1] in dtypes]
    if not args.cases:
        parser.error("no workload case selected")
    args.data, args.build_dir = os.path.abspath(args.data), os.path.abspath(args.build_dir)

    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    clock = time.monotonic()
    machine = machine_description()
    notes = {"skipped": {}, "load": f"{os.getloadavg()[0]:.2f}"}
    present = {var: os.environ[var] for var in OPENBLAS_CORE_VARS if var in os.environ}
    notes["openblas_env"] = (("set: " + ", ".join(f"{k}={v}" for k, v in present.items())
                              + f"; policy {args.openblas_env}") if present else
                             "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE not set")
    log(f"run: {machine}; {notes['openblas_env']}")

    subprocess.run([PYTHON, os.path.join(BENCH, "prepare_data.py"), "--out", args.data], check=True)
    if shutil.which("cmake"):
        notes["build"] = build(args.build_dir)
    else:
        notes["build"] = "cmake not found: only the Python systems run"

    systems = make_systems(args)
    for name, system in systems.items():
        if system.missing:
            notes["skipped"][name] = system.missing
            log(f"run: skipping {name}: {system.missing}")
    runnable = [s for s in systems.values() if not s.missing]
    gemm_bound = None if args.no_gemm_bound else find_program(args.build_dir, "gemm_bound")
    if not args.no_gemm_bound and not gemm_bound:
        notes["skipped"]["gemm-bound"] = f"no gemm_bound program in {args.build_dir}"
    numpy_blas = subprocess.run(
        [PYTHON, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import numpy, workload; "
                       "print(workload.blas_description())", os.path.join(BENCH, "peers")],
        capture_output=True, text=True, env=environment(max(args.threads), True, args.openblas_env))
    notes["numpy_blas"] = numpy_blas.stdout.strip() or numpy_blas.stderr.strip()[-200:]

    results, bounds, ceilings, gflop, peaks, errors, raw = {}, {}, {}, {}, {}, [], []
    variants = [(s, t) for s in runnable for t in args.threads]
    for rep in range(args.repeats):
        log(f"run: repetition {rep + 1} of {args.repeats} ({(time.monotonic() - clock) / 60:.1f} min so far)")
        if gemm_bound and rep < args.heavy_repeats:
            for threads in args.threads:
                lines, error = run_once([gemm_bound, "--data", args.data, "--threads", str(threads)],
                                        environment(threads, False, args.openblas_env), args.timeout)
                if error:
                    errors.append(f"gemm_bound t{threads}: {error}")
                    continue
                raw.extend(lines)
                for line in lines:
                    if line["system"] == "gemm-bound":
                        key = ((line["workload"], line["dtype"]), threads)
                        bounds[key] = min(bounds.get(key, float("inf")), line["fit_seconds"])
                        gflop[key[0]] = line["gflop_per_fit"]
                        for shape in line["shapes"]:  # the fastest GEMM of any workload, per dtype and threads
                            peak_key = (line["dtype"], threads)
                            if shape["gflop_per_second"] > peaks.get(peak_key, (0.0, ""))[0]:
                                peaks[peak_key] = (shape["gflop_per_second"],
                                                   f"{shape['m']}x{shape['n']}x{shape['k']} {shape['role']}")
                    elif line["system"] == "gemm-ceiling":
                        key = (line["dtype"], threads)
                        ceilings[key] = max(ceilings.get(key, 0.0), line["gflop_per_second"])
        for case in args.cases:
            if case[0] == "W3" and rep >= args.heavy_repeats:
                continue
            shift = rep % len(variants)
            for system, threads in variants[shift:] + variants[:shift]:
                result, error = system.run(args.data, case[0], case[1], threads,
                                           environment(threads, system.python, args.openblas_env, system.env),
                                           args.timeout)
                label = f"{system.name} {case[0]} {case[1]} t{threads}"
                if error:
                    errors.append(f"{label}: {error}")
                    log(f"run: {label} FAILED: {error}")
                    continue
                raw.append(result)
                results.setdefault((system.name, case, threads), []).append(result)
                log(f"run: {label}: {result['fit_seconds']:.4f} s, loss {result.get('loss')}")

    for system in runnable:
        if isinstance(system, CommandLineSystem):
            system.clean_up()
    seconds = time.monotonic() - clock
    notes["load"] += f" / {os.getloadavg()[0]:.2f}"
    text = report(args, results, bounds, ceilings, gflop, peaks, notes, errors, machine, started, seconds)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
        log(f"run: wrote {args.markdown}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
        log(f"run: wrote {args.json}")


if __name__ == "__main__":
    main()
