// The data-parallel interface on one rank (no MPI needed): share_of_rows, SerialCommunicator's
// failure protocol, and GradientAllreduce's sums and means. tests/mpi/ runs them on 2 and 4 ranks.
#include <stdexcept>

#include <gtest/gtest.h>

#include <tapegrad/optim/communicator.hpp>
#include <tapegrad/optim/gradient_allreduce.hpp>

namespace tapegrad::optim {
namespace {

TEST(ShareOfRows, SplitsABatchIntoContiguousSharesDifferingByAtMostOne) {
    for (std::size_t count : {0, 1, 3, 7, 200}) {
        for (int size : {1, 2, 3, 4}) {
            std::size_t next = 0;
            for (int rank = 0; rank < size; ++rank) {
                const RowRange share = share_of_rows(count, rank, size);
                EXPECT_EQ(share.begin, next) << count << " rows, rank " << rank << " of " << size;
                EXPECT_LE(share.size(), count / static_cast<std::size_t>(size) + 1);
                EXPECT_GE(share.size(), count / static_cast<std::size_t>(size));
                next = share.end;
            }
            EXPECT_EQ(next, count);
        }
    }
    EXPECT_TRUE(share_of_rows(1, 0, 2).empty());  // fewer rows than ranks: the first ranks get none
    EXPECT_EQ(share_of_rows(1, 1, 2).size(), 1u);
}

TEST(ShareOfRows, RejectsARankOutsideTheRun) {
    EXPECT_THROW(share_of_rows(10, 2, 2), Error);
    EXPECT_THROW(share_of_rows(10, -1, 2), Error);
    EXPECT_THROW(share_of_rows(10, 0, 0), Error);
}

TEST(SerialCommunicator, AgreeReturnsWithoutErrorAndRethrowsThisRanksOwn) {
    SerialCommunicator comm;
    EXPECT_NO_THROW(comm.agree(nullptr));
    EXPECT_THROW(comm.collectively([] { throw std::out_of_range("mine"); }), std::out_of_range);
    EXPECT_EQ(comm.allreduce_sum(2.5), 2.5);
    EXPECT_EQ(comm.allreduce_min(3), 3);
    EXPECT_EQ(comm.broadcast_from_root(42u), 42u);
}

TEST(AllreduceSumOrFail, ThrowsThisRanksErrorAndNeedsRoomForTheFlag) {
    SerialCommunicator comm;
    std::vector<double> buffer{1.0, 2.0, 0.0};
    allreduce_sum_or_fail(comm, buffer, nullptr);
    EXPECT_EQ(buffer, (std::vector<double>{1.0, 2.0, 0.0}));
    EXPECT_THROW(allreduce_sum_or_fail(comm, buffer, std::make_exception_ptr(Error("bad row"))), Error);
    std::vector<double> empty;
    EXPECT_THROW(allreduce_sum_or_fail(comm, empty, nullptr), Error);
}

TEST(GradientAllreduce, MeanDividesTheSumsByTheGlobalRows) {
    Parameter<double> w(xt::zeros<double>({std::size_t(2), std::size_t(2)}));
    Parameter<double> b(xt::zeros<double>({std::size_t(2)}));
    GradientAllreduce<double> reduce(std::make_shared<SerialCommunicator>(), {&w, &b});
    EXPECT_EQ(reduce.message_size(), 4u + 2u + 2u);
    const double loss = reduce.mean(4, [&] {
        w.grad = {{4.0, 8.0}, {-4.0, 0.0}};
        b.grad = {2.0, 6.0};
        return 10.0;
    });
    EXPECT_DOUBLE_EQ(loss, 2.5);
    EXPECT_EQ(w.grad, (Array<double>{{1.0, 2.0}, {-1.0, 0.0}}));
    EXPECT_EQ(b.grad, (Array<double>{0.5, 1.5}));
}

TEST(GradientAllreduce, LocalWorkErrorsAndWrongGradShapesPropagate) {
    Parameter<float> w(xt::zeros<float>({std::size_t(3)}));
    GradientAllreduce<float> reduce(std::make_shared<SerialCommunicator>(), {&w});
    EXPECT_THROW(reduce.sum([]() -> double { throw Error("cannot read rows 0-9"); }), Error);
    try {
        reduce.sum([&] { w.grad = xt::zeros<float>({std::size_t(4)}); return 0.0; });
        FAIL() << "a grad of the wrong shape went through";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("GradientAllreduce: parameter 0"), std::string::npos) << e.what();
    }
    EXPECT_THROW(reduce.mean(0, [] { return 0.0; }), Error);
}

TEST(GradientAllreduce, RejectsNoCommunicatorAndNoParameters) {
    Parameter<double> w(xt::zeros<double>({std::size_t(1)}));
    EXPECT_THROW(GradientAllreduce<double>(nullptr, {&w}), Error);
    EXPECT_THROW(GradientAllreduce<double>(std::make_shared<SerialCommunicator>(), {}), Error);
}

}  // namespace
}  // namespace tapegrad::optim
