// After the first epoch a training step of the estimators' network allocates nothing: the tape is
// cleared and refilled in place, the batch rows are copied into the constant leaves' buffers, and
// the optimizers update in place. Counted with a replacement of the global operator new, so this
// is a binary of its own.

#include <atomic>
#include <cstdlib>
#include <new>
#include <numeric>

#include <gtest/gtest.h>

#include <tapegrad/mlp/network.hpp>
#include <tapegrad/mlp/train_loop.hpp>

namespace {
std::atomic<long> allocations{0};

void* counted_allocation(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

using namespace tapegrad;
using mlp::Network;
using mlp::OutputActivation;

/// Epochs of shuffled batches of 16 over 50 rows (the last batch has 2 rows), as the estimators'
/// epoch loop runs them; returns the operator-new calls of the last epoch.
long allocations_of_second_epoch(const std::string& solver, OutputActivation output, std::size_t n_outputs) {
    const std::size_t n = 50, batch = 16;
    Network<double> network({4, 8, 6, n_outputs}, nn::Activation::tanh, output);
    nn::Random rng(0);
    network.initialize(rng);
    mlp::MLPParams params;
    params.solver = solver;
    mlp::StochasticOptimizer<double> optimizer(params, network.parameters());
    Array<double> X = Array<double>::from_shape({n, 4});
    for (std::size_t i = 0; i < X.size(); ++i) X.data()[i] = rng.uniform(-1, 1);
    Array<double> Y = xt::zeros<double>({n, n_outputs});
    for (std::size_t i = 0; i < n; ++i) Y(i, i % n_outputs) = 1;
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t(0));

    long counted = 0;
    for (int epoch = 0; epoch < 2; ++epoch) {
        const long before = allocations.load();
        rng.shuffle(rows.begin(), rows.end());
        for (std::size_t start = 0; start < n; start += batch) {
            network.loss_and_gradients(X, Y, rows.data() + start, std::min(batch, n - start), 1e-4);
            optimizer.step();
        }
        optimizer.iteration_ends(n * static_cast<std::size_t>(epoch + 1));
        counted = allocations.load() - before;
    }
    return counted;
}

TEST(MLPNoAllocation, AdamSoftmaxStep) {
    EXPECT_EQ(allocations_of_second_epoch("adam", OutputActivation::softmax, 3), 0);
}

TEST(MLPNoAllocation, SgdLogisticStep) {
    EXPECT_EQ(allocations_of_second_epoch("sgd", OutputActivation::logistic, 1), 0);
}

TEST(MLPNoAllocation, SgdIdentityStep) {
    EXPECT_EQ(allocations_of_second_epoch("sgd", OutputActivation::identity, 2), 0);
}

TEST(MLPNoAllocation, TheDivergenceSnapshotIsRefreshedInPlace) {
    // fit_stochastic's copy of the last finite epoch's weights: made once, then copied into
    Network<double> network({4, 8, 3}, nn::Activation::relu, OutputActivation::softmax);
    nn::Random rng(0);
    network.initialize(rng);
    std::vector<Array<double>> coefs, intercepts;
    network.copy_weights_to(coefs, intercepts);
    const long before = allocations.load();
    network.copy_weights_to(coefs, intercepts);
    EXPECT_EQ(allocations.load() - before, 0);
    EXPECT_EQ(coefs, network.coefs());
    EXPECT_EQ(intercepts, network.intercepts());
}

TEST(MLPNoAllocation, TheCounterCounts) {
    const long before = allocations.load();
    auto* p = new std::vector<double>(10);
    delete p;
    EXPECT_GE(allocations.load() - before, 2);
}

}  // namespace
