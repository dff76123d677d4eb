// After one warm-up step, a training step allocates nothing: clear() keeps every node's buffers,
// and the same ops with the same (or smaller) shapes reuse them. Checked by counting every call of
// the global operator new in this binary.

#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>

// ---- counting replacements of the global allocation functions ----------------------------------

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

/// A small MLP's training step on a tape: two layers, binary log loss, L2 penalty, backward.
struct TinyMlp {
    Parameter<double> w1{xt::ones<double>({4, 8}) * 0.1}, b1{xt::zeros<double>({8})};
    Parameter<double> w2{xt::ones<double>({8, 1}) * -0.2}, b2{xt::zeros<double>({1})};
    Array<double> x_full = xt::ones<double>({16, 4}), y_full = xt::ones<double>({16, 1});
    Array<double> x_last = xt::ones<double>({5, 4}), y_last = xt::zeros<double>({5, 1});  // a shorter last batch
    Tape<double> tape;

    /// One step: clear, record, backward. Returns the operator-new calls it made.
    long step(const Array<double>& x, const Array<double>& y) {
        const long before = allocations.load();
        tape.clear();
        for (auto* p : {&w1, &b1, &w2, &b2}) p->zero_grad();
        auto hidden = relu(linear(tape.constant(x), tape.param(w1), tape.param(b1)));
        auto logits = linear(hidden, tape.param(w2), tape.param(b2));
        auto loss = logistic_log_loss(logits, tape.constant(y)) + l2_penalty(tape.param(w1), 1e-4) +
                    l2_penalty(tape.param(w2), 1e-4);
        tape.backward(loss);
        return allocations.load() - before;
    }
};

TEST(NoAllocation, TrainingStepsAfterWarmUp) {
    TinyMlp mlp;
    EXPECT_GT(mlp.step(mlp.x_full, mlp.y_full), 0);  // warm-up: the tape grows its nodes and buffers
    const long second = mlp.step(mlp.x_full, mlp.y_full);
    const long shorter_last_batch = mlp.step(mlp.x_last, mlp.y_last);
    const long full_again = mlp.step(mlp.x_full, mlp.y_full);
    EXPECT_EQ(second, 0);
    EXPECT_EQ(shorter_last_batch, 0);
    EXPECT_EQ(full_again, 0);
}

TEST(NoAllocation, TheCounterCounts) {  // so the zeros above mean something
    const long before = allocations.load();
    auto* p = new int(1);
    delete p;
    Array<double> a = xt::zeros<double>({3});
    EXPECT_GE(allocations.load() - before, 2);
}

}  // namespace
