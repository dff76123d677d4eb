#include "data_parallel.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <numeric>

namespace tapegrad::mlp {

template <class T>
DataParallel<T>::DataParallel(std::shared_ptr<optim::Communicator> comm, Network<T>& network,
                              std::optional<std::size_t> shard_of)
    : comm_(comm), network_(network), params_(network.parameters()), reduce_(std::move(comm), params_),
      shard_of_(shard_of) {}

template <class T>
Array<T> DataParallel<T>::my_rows(const Array<T>& Y) const {
    const optim::RowRange mine = optim::share_of_rows(Y.shape()[0], comm_->rank(), comm_->size());
    const std::size_t width = Y.shape()[1];
    Array<T> rows = Array<T>::from_shape({mine.size(), width});
    std::copy(Y.data() + mine.begin * width, Y.data() + mine.end * width, rows.data());
    return rows;
}

template <class T>
T DataParallel<T>::loss_and_gradients(const Array<T>& X, const Array<T>& Y, const std::size_t* rows,
                                      std::size_t count, double alpha) {
    const optim::RowRange mine = optim::share_of_rows(count, comm_->rank(), comm_->size());
    const std::vector<Parameter<T>*>& params = params_;
    const double loss = reduce_.mean(count, [&]() -> double {
        if (mine.empty()) {
            for (Parameter<T>* p : params) p->zero_grad();
            return 0.0;
        }
        const std::size_t* share = rows ? rows + mine.begin : nullptr;
        if (shard_of_) {
            // X and Y hold this rank's rows only: the share is rows 0 .. size-1 there (nullptr)
            if (rows || count != *shard_of_ || X.shape()[0] != mine.size())
                throw Error("DataParallel: sharded rows are for the one batch of all rows");
        } else if (!rows) {
            share_rows_.resize(mine.size());
            std::iota(share_rows_.begin(), share_rows_.end(), mine.begin);
            share = share_rows_.data();
        }
        // The mean over the share without the L2 term, made a sum: times the share's rows.
        const T mean_loss = network_.loss_and_gradients(X, Y, share, mine.size(), 0.0);
        const T share_rows = static_cast<T>(mine.size());
        for (Parameter<T>* p : params)
            for (T& g : p->grad) g *= share_rows;
        return static_cast<double>(mean_loss) * static_cast<double>(mine.size());
    });
    // The L2 term once, over the global batch (nn::l2_penalty's formula): the coefs come first
    // in parameters(), one per weight layer.
    const double scale = 0.5 * alpha / static_cast<double>(count);
    T penalty = 0;
    for (std::size_t i = 0; i < network_.n_weight_layers(); ++i) {
        Parameter<T>& coef = *params[i];
        T total = 0;
        for (T w : coef.value) total += w * w;
        penalty += static_cast<T>(scale) * total;
        const T factor = T(2) * static_cast<T>(scale);
        for (std::size_t k = 0, n = coef.value.size(); k < n; ++k) coef.grad.data()[k] += factor * coef.value.data()[k];
    }
    return static_cast<T>(loss) + penalty;
}

template <class T>
Array<T> DataParallel<T>::predict(const Array<T>& X) {
    const std::size_t n = X.shape()[0], k = network_.layer_units().back();
    const optim::RowRange mine = optim::share_of_rows(n, comm_->rank(), comm_->size());
    outputs_.assign(n * k + 1, T(0));
    std::exception_ptr error;
    try {
        if (!mine.empty()) {
            const std::size_t width = X.shape()[1];
            Array<T> share = Array<T>::from_shape({mine.size(), width});
            std::copy(X.data() + mine.begin * width, X.data() + mine.end * width, share.data());
            const Array<T> predicted = network_.predict(share);
            std::copy(predicted.begin(), predicted.end(), outputs_.begin() + static_cast<std::ptrdiff_t>(mine.begin * k));
        }
    } catch (...) {
        error = std::current_exception();
    }
    optim::allreduce_sum_or_fail(*comm_, outputs_, error);  // each row is nonzero on one rank only
    Array<T> all = Array<T>::from_shape({n, k});
    std::copy(outputs_.begin(), outputs_.end() - 1, all.begin());
    return all;
}

template <class T>
std::uint64_t data_fingerprint(const Array<T>& X, const Array<T>& Y, bool x_values) {
    // FNV-1a over 64-bit words: the shapes, then every element's bytes.
    std::uint64_t hash = 14695981039346656037ull;
    auto mix = [&hash](std::uint64_t word) { hash = (hash ^ word) * 1099511628211ull; };
    mix(X.dimension() == 2 ? X.shape()[1] : 0);
    for (const Array<T>* a : {&X, &Y}) {
        if (a == &X && !x_values) continue;
        mix(a->dimension());
        for (std::size_t d : a->shape()) mix(d);
        for (T v : *a) {
            std::uint64_t word = 0;
            std::memcpy(&word, &v, sizeof(T));
            mix(word);
        }
    }
    return hash;
}

template class DataParallel<float>;
template class DataParallel<double>;
template std::uint64_t data_fingerprint<float>(const Array<float>&, const Array<float>&, bool);
template std::uint64_t data_fingerprint<double>(const Array<double>&, const Array<double>&, bool);

}  // namespace tapegrad::mlp
