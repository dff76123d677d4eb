#include "gradient_allreduce.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "parameters.hpp"

namespace tapegrad::optim {

RowRange share_of_rows(std::size_t count, int rank, int size) {
    if (size < 1 || rank < 0 || rank >= size)
        throw Error(fmt::format("share_of_rows: rank {} of {} ranks is not a rank", rank, size));
    const auto r = static_cast<std::size_t>(rank), s = static_cast<std::size_t>(size);
    return RowRange{count * r / s, count * (r + 1) / s};
}

template <class T>
GradientAllreduce<T>::GradientAllreduce(std::shared_ptr<Communicator> comm, std::vector<Parameter<T>*> params)
    : comm_(std::move(comm)), params_(std::move(params)) {
    if (!comm_) throw Error("GradientAllreduce: no communicator");
    check_parameters("GradientAllreduce", params_);
    std::size_t n = 2;  // the loss and the failure flag
    for (const Parameter<T>* p : params_) n += p->value.size();
    buffer_.resize(n);
}

template <class T>
double GradientAllreduce<T>::sum(const std::function<double()>& local_sums) {
    std::exception_ptr error;
    double local_loss = 0;
    try {
        local_loss = local_sums();
        T* out = buffer_.data();
        for (std::size_t i = 0; i < params_.size(); ++i) {
            check_step_shapes("GradientAllreduce", i, *params_[i], params_[i]->value);
            out = std::copy(params_[i]->grad.begin(), params_[i]->grad.end(), out);
        }
    } catch (...) {
        error = std::current_exception();
        std::fill(buffer_.begin(), buffer_.end(), T(0));
    }
    buffer_[buffer_.size() - 2] = static_cast<T>(local_loss);
    allreduce_sum_or_fail(*comm_, buffer_, error);  // throws on every rank if one failed
    const T* in = buffer_.data();
    for (Parameter<T>* p : params_) {
        std::copy(in, in + p->grad.size(), p->grad.begin());
        in += p->grad.size();
    }
    return static_cast<double>(buffer_[buffer_.size() - 2]);
}

template <class T>
double GradientAllreduce<T>::mean(std::size_t global_rows, const std::function<double()>& local_sums) {
    if (global_rows == 0) throw Error("GradientAllreduce::mean: a batch of 0 rows");
    const double loss_sum = sum(local_sums);
    const T rows = static_cast<T>(global_rows);
    for (Parameter<T>* p : params_)
        for (T& g : p->grad) g /= rows;
    return loss_sum / static_cast<double>(global_rows);
}

template class GradientAllreduce<float>;
template class GradientAllreduce<double>;

}  // namespace tapegrad::optim
