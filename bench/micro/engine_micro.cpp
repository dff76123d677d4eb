// Google Benchmark micro-benchmarks of the engine (issue #5), in double, on one OpenBLAS thread:
//
//   build-micro/engine_micro --benchmark_min_time=0.2
//
// Op/<op>/<rows>/<cols>   one op's forward + backward on a reused Tape: per iteration
//                         tape.clear(), the op recorded on parameter leaves (Parameter, as a
//                         model's weights are), backward with a seed of ones (a scalar output:
//                         backward(out)). Parameter gradients accumulate across iterations (no
//                         zero_grad: it is not part of the op). items_per_second counts the
//                         elements of the op's first input; bytes_per_second the bytes of that
//                         input (one read of it: a rate to compare ops, not memory traffic).
//                         matmul and linear also report FLOP/s: 6 m k n per iteration (the
//                         forward GEMM and the two gradient GEMMs).
// Step/tape, Step/explicit one training step of the W2 "digits" network (batch 200, 64
//                         features, one hidden layer of 100 relu units, 10 softmax classes,
//                         alpha 1e-4, Adam with sklearn's defaults) - see mlp_step_* below for
//                         exactly what each step contains.
// Allocations/...         operator-new calls per training step after a warm-up, counted by the
//                         replaced global allocation functions below (allocs_per_step), and per
//                         extra epoch of a whole MLPClassifier fit.
#include <tapegrad/mlp/explicit_backprop.hpp>
#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/mlp/network.hpp>
#include <tapegrad/mlp/train_loop.hpp>
#include <tapegrad/tapegrad.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <vector>

// ---- counting replacements of every global allocation function ---------------------------------
// Each operator new / new[] (plain, nothrow, aligned, aligned nothrow) adds one to `allocations`;
// the deletes only free. Memory comes from malloc / aligned_alloc, so every delete is free().

namespace {
std::atomic<long> allocations{0};
std::atomic<bool> in_counted_steps{false};  // true while BM_allocations / BM_fit_allocations count
}  // namespace

/// Called for each allocation counted inside the measured steps (BM_allocations) and epochs
/// (BM_fit_allocations): a place for a debugger to stop and show who allocates, e.g. with a gdb
/// script (docs/benchmarks.md, "Micro-benchmarks") of: break engine_micro_allocation_in_step /
/// commands / bt 8 / cont / end / run.
extern "C" __attribute__((noinline)) void engine_micro_allocation_in_step() { asm volatile(""); }

namespace {
void note_allocation() {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (in_counted_steps.load(std::memory_order_relaxed)) engine_micro_allocation_in_step();
}

void* counted_malloc(std::size_t size) noexcept {
    note_allocation();
    return std::malloc(size == 0 ? 1 : size);
}

void* counted_aligned(std::size_t size, std::align_val_t alignment) noexcept {
    note_allocation();
    const std::size_t align = static_cast<std::size_t>(alignment);
    const std::size_t rounded = (size == 0 ? 1 : size + align - 1) / align * align;  // aligned_alloc's rule
    return std::aligned_alloc(align, rounded);
}

void* or_throw(void* p) {
    if (!p) throw std::bad_alloc();
    return p;
}
}  // namespace

void* operator new(std::size_t size) { return or_throw(counted_malloc(size)); }
void* operator new[](std::size_t size) { return or_throw(counted_malloc(size)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new(std::size_t size, std::align_val_t a) { return or_throw(counted_aligned(size, a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return or_throw(counted_aligned(size, a)); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned(size, a);
}
// (GCC's -Wmismatched-new-delete sees free() of what an inlined operator new returned; here
// every operator new is malloc / aligned_alloc, so free() is the matching release)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace tapegrad;
using T = double;

/// An array of the shape, uniform in [lo, hi) from a fixed seed.
Array<T> uniform(const Shape& shape, T lo = -1, T hi = 1, unsigned seed = 0) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<T> draw(lo, hi);
    Array<T> out = Array<T>::from_shape(shape);
    for (T& x : out) x = draw(engine);
    return out;
}

/// One-hot targets (rows, classes), row r of class r % classes.
Array<T> one_hot(std::size_t rows, std::size_t classes) {
    Array<T> out = xt::zeros<T>({rows, classes});
    for (std::size_t r = 0; r < rows; ++r) out(r, r % classes) = 1;
    return out;
}

// ---- one op, forward + backward ---------------------------------------------------------------

/// Times `record` (which records the op on `tape` from its parameter leaves and returns the
/// output) followed by backward, on a tape cleared per iteration. `elements` is the first input's
/// element count, `flop` the floating-point operations of one forward + backward (0: none reported).
void time_op(benchmark::State& state, Tape<T>& tape, const std::function<Var<T>(Tape<T>&)>& record,
             std::size_t elements, double flop = 0) {
    tape.clear();
    const Var<T> warm = record(tape);
    const Array<T> seed = xt::ones<T>(warm.shape());  // d out / d out = 1 for a non-scalar output
    for (auto _ : state) {
        tape.clear();
        const Var<T> out = record(tape);
        if (out.size() == 1) tape.backward(out);
        else tape.backward(out, seed);
        benchmark::DoNotOptimize(out.index());
        benchmark::ClobberMemory();
    }
    const auto iterations = static_cast<std::int64_t>(state.iterations());
    state.SetItemsProcessed(iterations * static_cast<std::int64_t>(elements));
    state.SetBytesProcessed(iterations * static_cast<std::int64_t>(elements * sizeof(T)));
    if (flop > 0) state.counters["FLOP/s"] = benchmark::Counter(flop * iterations, benchmark::Counter::kIsRate);
}

/// An elementwise / row-wise op of one (rows, cols) input, e.g. relu.
template <Var<T> (*op)(Var<T>)>
void BM_unary(benchmark::State& state) {
    const std::size_t rows = state.range(0), cols = state.range(1);
    Parameter<T> x(uniform({rows, cols}));
    Tape<T> tape;
    time_op(state, tape, [&](Tape<T>& t) { return op(t.param(x)); }, rows * cols);
}

Var<T> relu_op(Var<T> a) { return relu(a); }
Var<T> logistic_op(Var<T> a) { return logistic(a); }
Var<T> tanh_op(Var<T> a) { return tapegrad::tanh(a); }
Var<T> softmax_op(Var<T> a) { return softmax(a, -1); }
Var<T> log_softmax_op(Var<T> a) { return log_softmax(a, -1); }
Var<T> sum_op(Var<T> a) { return sum(a); }
Var<T> mean_op(Var<T> a) { return mean(a); }

/// X (rows, cols) + b (cols,): the bias's row broadcast; b's gradient sums over the rows.
void BM_add_row_broadcast(benchmark::State& state) {
    const std::size_t rows = state.range(0), cols = state.range(1);
    Parameter<T> x(uniform({rows, cols})), b(uniform({cols}, -1, 1, 1));
    Tape<T> tape;
    time_op(state, tape, [&](Tape<T>& t) { return t.param(x) + t.param(b); }, rows * cols);
}

/// A (m, k) @ W (k, n), both with gradients: 3 GEMMs of 2 m k n.
void BM_matmul(benchmark::State& state) {
    const std::size_t m = state.range(0), k = state.range(1), n = state.range(2);
    Parameter<T> a(uniform({m, k})), w(uniform({k, n}, -0.1, 0.1, 1));
    Tape<T> tape;
    time_op(state, tape, [&](Tape<T>& t) { return matmul(t.param(a), t.param(w)); }, m * k, 6.0 * m * k * n);
}

/// linear(X, W, b) = X W + b in one GEMM (the MLP's layer), X (m, k) a constant as data is.
void BM_linear(benchmark::State& state) {
    const std::size_t m = state.range(0), k = state.range(1), n = state.range(2);
    const Array<T> x_data = uniform({m, k});
    Parameter<T> w(uniform({k, n}, -0.1, 0.1, 1)), b(uniform({n}, -0.1, 0.1, 2));
    Tape<T> tape;
    // X is data: no input gradient, so 2 GEMMs (forward, weight gradient)
    time_op(state, tape, [&](Tape<T>& t) { return linear(t.constant(x_data), t.param(w), t.param(b)); }, m * k,
            4.0 * m * k * n);
}

/// The fused output/loss ops on logits (rows, cols) against targets of the same shape.
template <Var<T> (*loss)(Var<T>, Var<T>)>
void BM_loss(benchmark::State& state) {
    const std::size_t rows = state.range(0), cols = state.range(1);
    Parameter<T> logits(uniform({rows, cols}, -3, 3));
    const Array<T> target = one_hot(rows, cols);
    Tape<T> tape;
    time_op(state, tape, [&](Tape<T>& t) { return loss(t.param(logits), t.constant(target)); }, rows * cols);
}

Var<T> softmax_log_loss_op(Var<T> z, Var<T> y) { return softmax_log_loss(z, y); }
Var<T> logistic_log_loss_op(Var<T> z, Var<T> y) { return logistic_log_loss(z, y); }
Var<T> squared_loss_op(Var<T> z, Var<T> y) { return squared_loss(z, y); }

/// 0.5 scale sum(W^2), the L2 term, on W (rows, cols).
void BM_l2_penalty(benchmark::State& state) {
    const std::size_t rows = state.range(0), cols = state.range(1);
    Parameter<T> w(uniform({rows, cols}));
    Tape<T> tape;
    time_op(state, tape, [&](Tape<T>& t) { return l2_penalty(t.param(w), 1e-4); }, rows * cols);
}

// Small: 32 x 64. Large: 200 x 784 (a W3 batch of MNIST-sized rows); matmul/linear 200x784 @ 784x256.
void shapes(benchmark::internal::Benchmark* b) { b->ArgNames({"rows", "cols"})->Args({32, 64})->Args({200, 784}); }
void gemm_shapes(benchmark::internal::Benchmark* b) {
    b->ArgNames({"m", "k", "n"})->Args({32, 64, 64})->Args({200, 784, 256});
}

BENCHMARK(BM_matmul)->Name("Op/matmul")->Apply(gemm_shapes);
BENCHMARK(BM_linear)->Name("Op/linear")->Apply(gemm_shapes);
BENCHMARK(BM_add_row_broadcast)->Name("Op/add_row_broadcast")->Apply(shapes);
BENCHMARK(BM_unary<relu_op>)->Name("Op/relu")->Apply(shapes);
BENCHMARK(BM_unary<logistic_op>)->Name("Op/logistic")->Apply(shapes);
BENCHMARK(BM_unary<tanh_op>)->Name("Op/tanh")->Apply(shapes);
BENCHMARK(BM_unary<softmax_op>)->Name("Op/softmax")->Apply(shapes);
BENCHMARK(BM_unary<log_softmax_op>)->Name("Op/log_softmax")->Apply(shapes);
BENCHMARK(BM_unary<sum_op>)->Name("Op/sum")->Apply(shapes);
BENCHMARK(BM_unary<mean_op>)->Name("Op/mean")->Apply(shapes);
BENCHMARK(BM_loss<softmax_log_loss_op>)->Name("Op/softmax_log_loss")->Apply(shapes);
BENCHMARK(BM_loss<logistic_log_loss_op>)->Name("Op/logistic_log_loss")->Apply(shapes);
BENCHMARK(BM_loss<squared_loss_op>)->Name("Op/squared_loss")->Apply(shapes);
BENCHMARK(BM_l2_penalty)->Name("Op/l2_penalty")->Apply(shapes);

// ---- one MLP training step: the tape vs the explicit formulas ---------------------------------

constexpr std::size_t kBatch = 200, kFeatures = 64, kHidden = 100, kClasses = 10;
constexpr double kAlpha = 1e-4;

/// The W2 batch: X (200, 64) uniform [0, 1) as the pixels / 16 are, Y one-hot (200, 10).
struct W2Batch {
    Array<T> X = uniform({kBatch, kFeatures}, 0, 1, 3);
    Array<T> Y = one_hot(kBatch, kClasses);
};

/// The tape's step, as the estimator's epoch loop runs it (mlp/train_loop.cpp, fit_stochastic):
///   Network::loss_and_gradients: tape.clear(); copy the 200 rows of X and Y into the constant
///     leaves; record linear -> relu -> linear -> fused softmax_log_loss, + l2_penalty of both
///     coefs; zero the 4 parameter gradients; backward -> the gradients of coefs and intercepts;
///   StochasticOptimizer::step: Adam's update of the 4 parameters (optim::adam_update).
struct TapeStep {
    mlp::Network<T> network{{kFeatures, kHidden, kClasses}, nn::Activation::relu, mlp::OutputActivation::softmax};
    std::unique_ptr<mlp::StochasticOptimizer<T>> optimizer;
    W2Batch batch;

    TapeStep() {
        nn::Random rng(0);
        network.initialize(rng);
        mlp::MLPParams params;  // solver adam, sklearn's defaults
        optimizer = std::make_unique<mlp::StochasticOptimizer<T>>(params, network.parameters());
    }
    T step() {
        const T loss = network.loss_and_gradients(batch.X, batch.Y, kAlpha);
        optimizer->step();
        return loss;
    }
};

/// The explicit-formula step, as bench/tapegrad_fit.cpp's --explicit loop runs it:
///   copy the 200 rows of X and Y into reused batch buffers;
///   mlp::explicit_backprop into reused buffers: the same forward (GEMM + bias, relu, softmax),
///     loss with the L2 term, deltas and the gradients of coefs and intercepts;
///   Adam's update of the 4 parameters by the same kernel (optim::adam_update), sklearn's order.
struct ExplicitStep {
    mlp::ExplicitMLP<T> model;
    W2Batch batch;
    Array<T> X_batch, Y_batch;
    mlp::ExplicitBackprop<T> result;
    std::vector<Array<T>> m, v;  // Adam's moments, coefs then intercepts
    int t = 0;

    ExplicitStep() {
        mlp::Network<T> network({kFeatures, kHidden, kClasses}, nn::Activation::relu, mlp::OutputActivation::softmax);
        nn::Random rng(0);
        network.initialize(rng);  // the tape step's initial weights
        model = {network.coefs(), network.intercepts(), "relu", "softmax", "log_loss", kAlpha};
        for (const auto* group : {&model.coefs, &model.intercepts})
            for (const Array<T>& p : *group) {
                m.push_back(xt::zeros<T>(p.shape()));
                v.push_back(xt::zeros<T>(p.shape()));
            }
    }
    T step() {
        X_batch.resize({kBatch, kFeatures});
        std::copy(batch.X.begin(), batch.X.end(), X_batch.begin());
        Y_batch.resize({kBatch, kClasses});
        std::copy(batch.Y.begin(), batch.Y.end(), Y_batch.begin());
        mlp::explicit_backprop(model, X_batch, Y_batch, result);

        ++t;  // sklearn's Adam, lr 0.001, beta 0.9 / 0.999, eps 1e-8
        const double lr_t = 0.001 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
        std::size_t j = 0;
        const auto update = [&](std::vector<Array<T>>& params, std::vector<Array<T>>& grads) {
            for (std::size_t i = 0; i < params.size(); ++i, ++j)
                optim::adam_update(params[i].data(), grads[i].data(), m[j].data(), v[j].data(), params[i].size(), 0.9,
                                   0.1, 0.999, 0.001, -lr_t, 1e-8);
        };
        update(model.coefs, result.coef_grads);
        update(model.intercepts, result.intercept_grads);
        return result.loss;
    }
};

template <class Step>
void BM_step(benchmark::State& state) {
    Step step;
    for (int i = 0; i < 3; ++i) step.step();  // warm-up: buffers reach their size
    for (auto _ : state) benchmark::DoNotOptimize(step.step());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));  // rows per second
}

BENCHMARK(BM_step<TapeStep>)->Name("Step/tape/W2");
BENCHMARK(BM_step<ExplicitStep>)->Name("Step/explicit/W2");

// ---- heap allocations per training step after warm-up -----------------------------------------

/// allocs_per_step: operator-new calls per step over every timed iteration, after 5 warm-up steps.
template <class Step>
void BM_allocations(benchmark::State& state) {
    Step step;
    for (int i = 0; i < 5; ++i) step.step();
    const long before = allocations.load();
    in_counted_steps = true;
    for (auto _ : state) benchmark::DoNotOptimize(step.step());
    in_counted_steps = false;
    const long counted = allocations.load() - before;
    state.counters["allocs_per_step"] = static_cast<double>(counted) / static_cast<double>(state.iterations());
    state.counters["steps"] = static_cast<double>(state.iterations());
}

BENCHMARK(BM_allocations<TapeStep>)->Name("Allocations/tape_step/W2")->Iterations(200);
BENCHMARK(BM_allocations<ExplicitStep>)->Name("Allocations/explicit_step/W2")->Iterations(200);

/// A whole fit: MLPClassifier (the W2 network, shuffle on, 1800 rows = 9 batches of 200 per epoch,
/// 11 epochs). An epoch callback reads the operator-new count at the end of every epoch;
/// allocs_per_epoch_after_first is the count from the end of epoch 1 to the end of epoch 11, over
/// 10: everything the epoch loop does in an epoch (shuffle, 9 steps, loss record, stopping rule).
/// allocs_fit_setup_and_epoch_1: the fit's start (checks, labels, network, optimizer) and epoch 1.
void BM_fit_allocations(benchmark::State& state) {
    const std::size_t rows = 1800, epochs = 11;
    const Array<T> X = uniform({rows, kFeatures}, 0, 1, 4);
    std::vector<std::int64_t> labels(rows);
    for (std::size_t r = 0; r < rows; ++r) labels[r] = static_cast<std::int64_t>((r * 7) % kClasses);
    const mlp::Labels y(labels);
    long at_start = 0, after_first = 0, after_last = 0;
    for (auto _ : state) {
        mlp::MLPParams params;
        params.hidden_layer_sizes = {kHidden};
        params.batch_size = kBatch;
        params.max_iter = epochs;
        params.random_state = 0;
        params.tol = 0;  // every epoch runs
        params.n_iter_no_change = epochs + 1;
        mlp::MLPClassifier<T> clf(params);
        clf.set_epoch_callback([&](std::size_t epoch, double) {
            if (epoch == 1) {
                after_first = allocations.load();
                in_counted_steps = true;  // from here on, a debugger can stop at each allocation
            }
            if (epoch == epochs) {
                after_last = allocations.load();
                in_counted_steps = false;
            }
        });
        at_start = allocations.load();
        clf.fit(X, y);
    }
    state.counters["allocs_fit_setup_and_epoch_1"] = static_cast<double>(after_first - at_start);
    state.counters["allocs_per_epoch_after_first"] = static_cast<double>(after_last - after_first) / (epochs - 1);
}

BENCHMARK(BM_fit_allocations)->Name("Allocations/MLPClassifier_fit/W2")->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

extern "C" void openblas_set_num_threads(int num_threads);

// One OpenBLAS thread: Google Benchmark's CPU time is the calling thread's, so GEMM work on
// OpenBLAS's other threads would not count, and the 2-core machine is shared.
int main(int argc, char** argv) {
    openblas_set_num_threads(1);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
