// tapegrad's two systems of the benchmark, timed on a workload written by bench/prepare_data.py:
//
//   tapegrad_fit --workload W2 --dtype float64 --data bench/.data --threads 1             estimator
//   tapegrad_fit --workload W2 --dtype float64 --data bench/.data --threads 1 --explicit  formulas
//
// estimator: tapegrad::mlp::MLPClassifier<T> (training through the tape) with the workload's
//            hyperparameters, started from the workload's initial weights (set_initial_weights);
//            the timed region is fit(X, y) alone, as sklearn's peer times fit.
// explicit:  the explicit-formula loop, sklearn's hand-written backprop in C++ over the same
//            kernels: the epoch loop of consecutive batches (rows copied into a reused buffer),
//            mlp::explicit_backprop into reused buffers, then sklearn's Adam / SGD update by the
//            kernels the estimator's optimizers use, element by element in sklearn's order:
//              adam: t += 1; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
//                    lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); p += -lr_t m / (sqrt(v) + eps)
//              sgd:  v = momentum v - lr g; p += momentum v - lr g (Nesterov) or p += v
//            It is the speed floor the tape is compared with (what the tape costs on top).
// Both do one untimed warm-up fit first (one epoch on the first min(n, 2 batch) rows), and print
// one JSON line: {"system", "workload", "dtype", "threads", "fit_seconds", "loss", "n_iter"} with
// loss = the last epoch's training loss (sklearn's loss_). Threads: openblas_set_num_threads.
#include <tapegrad/mlp/explicit_backprop.hpp>
#include <tapegrad/mlp/mlp.hpp>

#include <nlohmann/json.hpp>
#include <xtensor/xnpy.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int num_threads);

namespace {

using nlohmann::json;
using tapegrad::Array;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string workload, dtype = "float64", data;
    int threads = 1;
    bool explicit_loop = false;
};

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--explicit") {
            options.explicit_loop = true;
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
        const std::string value = argv[++i];
        if (flag == "--workload") options.workload = value;
        else if (flag == "--dtype") options.dtype = value;
        else if (flag == "--data") options.data = value;
        else if (flag == "--threads") options.threads = std::stoi(value);
        else throw std::invalid_argument("unknown option " + flag);
    }
    if (options.workload.empty() || options.data.empty())
        throw std::invalid_argument("usage: tapegrad_fit --workload W --data DIR [--dtype float64|float32] "
                                    "[--threads N] [--explicit]");
    if (options.dtype != "float64" && options.dtype != "float32")
        throw std::invalid_argument("--dtype must be float64 or float32, got " + options.dtype);
    if (options.threads < 1) throw std::invalid_argument("--threads must be >= 1");
    return options;
}

template <class T>
struct Workload {
    json spec;
    Array<T> X;
    std::vector<std::int64_t> y;
    std::vector<Array<T>> coefs, intercepts;
};

/// A .npy file of exactly this element type (xtensor's reader throws on another dtype: every
/// system reads the same values, unconverted).
template <class T>
Array<T> load_exact(const std::string& path) {
    try {
        return xt::load_npy<T>(path);
    } catch (const std::exception& error) {
        throw std::runtime_error(path + ": " + error.what());
    }
}

template <class T>
Workload<T> load_workload(const Options& options) {
    const std::string index_path = options.data + "/workloads.json";
    std::ifstream index_file(index_path);
    if (!index_file) throw std::runtime_error(index_path + ": cannot open; run bench/prepare_data.py");
    const json index = json::parse(index_file);
    if (!index["workloads"].contains(options.workload))
        throw std::runtime_error(index_path + ": no workload " + options.workload);
    Workload<T> w;
    w.spec = index["workloads"][options.workload];
    const json& files = w.spec["files"];
    if (!files["X"].contains(options.dtype))
        throw std::runtime_error("workload " + options.workload + " has no " + options.dtype + " variant");
    const auto path = [&](const json& relative) { return options.data + "/" + relative.get<std::string>(); };
    w.X = load_exact<T>(path(files["X"][options.dtype]));
    const Array<std::int64_t> y = load_exact<std::int64_t>(path(files["y"]));
    w.y.assign(y.begin(), y.end());
    for (std::size_t i = 0; i < files["coefs"][options.dtype].size(); ++i) {
        w.coefs.push_back(load_exact<T>(path(files["coefs"][options.dtype][i])));
        w.intercepts.push_back(load_exact<T>(path(files["intercepts"][options.dtype][i])));
    }
    const std::size_t n = w.spec["n_samples"], d = w.spec["n_features"];
    if (w.X.dimension() != 2 || w.X.shape(0) != n || w.X.shape(1) != d || w.y.size() != n)
        throw std::runtime_error("workload " + options.workload + ": X " + tapegrad::shape_str(w.X.shape()) +
                                 " / y do not match workloads.json");
    return w;
}

/// Rows [0, rows) of X and y, for the warm-up fit.
template <class T>
Array<T> first_rows(const Array<T>& X, std::size_t rows) {
    Array<T> part = Array<T>::from_shape({rows, X.shape(1)});
    std::copy(X.data(), X.data() + rows * X.shape(1), part.data());
    return part;
}

/// How many leading rows the warm-up uses: 2 batches, or all rows if those miss a class.
std::size_t warm_up_rows(const json& spec, const std::vector<std::int64_t>& y) {
    const std::size_t rows = std::min<std::size_t>(y.size(), 2 * spec["batch_size"].get<std::size_t>());
    const std::set<std::int64_t> seen(y.begin(), y.begin() + rows);
    return seen.size() == spec["n_classes"].get<std::size_t>() ? rows : y.size();
}

// ---- the estimator ----------------------------------------------------------------------------

tapegrad::mlp::MLPParams params_of(const json& spec, std::size_t max_iter) {
    tapegrad::mlp::MLPParams params;
    params.hidden_layer_sizes = spec["hidden_layer_sizes"].get<std::vector<std::size_t>>();
    params.activation = spec["activation"];
    params.solver = spec["solver"];
    params.alpha = spec["alpha"];
    params.batch_size = spec["batch_size"].get<std::size_t>();
    params.learning_rate = spec["learning_rate"];
    params.learning_rate_init = spec["learning_rate_init"];
    params.max_iter = max_iter;
    params.shuffle = spec["shuffle"];
    params.random_state = spec["seed"].get<std::uint32_t>();
    params.tol = spec["tol"];
    params.momentum = spec["momentum"];
    params.nesterovs_momentum = spec["nesterovs_momentum"];
    params.beta_1 = spec["beta_1"];
    params.beta_2 = spec["beta_2"];
    params.epsilon = spec["epsilon"];
    params.n_iter_no_change = spec["n_iter_no_change"];
    return params;
}

template <class T>
json run_estimator(const Workload<T>& w) {
    const std::size_t warm_rows = warm_up_rows(w.spec, w.y);
    tapegrad::mlp::MLPClassifier<T> warm(params_of(w.spec, 1));
    warm.set_initial_weights(w.coefs, w.intercepts);
    warm.fit(first_rows(w.X, warm_rows), std::vector<std::int64_t>(w.y.begin(), w.y.begin() + warm_rows));

    tapegrad::mlp::MLPClassifier<T> clf(params_of(w.spec, w.spec["max_iter"]));
    clf.set_initial_weights(w.coefs, w.intercepts);
    const tapegrad::mlp::Labels labels(w.y);
    const auto start = Clock::now();
    clf.fit(w.X, labels);
    const std::chrono::duration<double> seconds = Clock::now() - start;
    return {{"fit_seconds", seconds.count()}, {"loss", static_cast<double>(clf.loss_())}, {"n_iter", clf.n_iter_()}};
}

// ---- the explicit-formula loop ----------------------------------------------------------------

/// sklearn's Adam and SGD (constant learning rate) through the update kernels the estimator's
/// optimizers use (optim::adam_update, optim::sgd_update): element by element, in sklearn's order.
template <class T>
class ExplicitOptimizer {
public:
    ExplicitOptimizer(const json& spec, const std::vector<Array<T>*>& params)
        : solver_(spec["solver"]), lr_(spec["learning_rate_init"]), beta_1_(spec["beta_1"]),
          beta_2_(spec["beta_2"]), epsilon_(spec["epsilon"]), momentum_(spec["momentum"]),
          nesterov_(spec["nesterovs_momentum"]) {
        if (solver_ != "adam" && solver_ != "sgd") throw std::runtime_error("solver " + solver_ + " not benchmarked");
        if (solver_ == "sgd" && spec["learning_rate"] != "constant")
            throw std::runtime_error("the explicit loop implements sgd with a constant learning rate only");
        for (const Array<T>* p : params) {
            first_.push_back(Array<T>(p->shape(), T(0)));   // adam m, sgd velocity
            second_.push_back(Array<T>(p->shape(), T(0)));  // adam v
        }
    }

    void step(const std::vector<Array<T>*>& params, const std::vector<const Array<T>*>& grads) {
        if (solver_ == "adam") {
            ++t_;
            const double lr_t = lr_ * std::sqrt(1 - std::pow(beta_2_, t_)) / (1 - std::pow(beta_1_, t_));
            const T b1 = T(beta_1_), one_minus_b1 = T(1 - beta_1_), b2 = T(beta_2_), one_minus_b2 = T(1 - beta_2_);
            const T minus_lr_t = T(-lr_t), eps = T(epsilon_);
            for (std::size_t j = 0; j < params.size(); ++j)
                tapegrad::optim::adam_update(params[j]->data(), grads[j]->data(), first_[j].data(), second_[j].data(),
                                             first_[j].size(), b1, one_minus_b1, b2, one_minus_b2, minus_lr_t, eps);
            return;
        }
        const T momentum = T(momentum_), lr = T(lr_);
        for (std::size_t j = 0; j < params.size(); ++j)
            tapegrad::optim::sgd_update(params[j]->data(), grads[j]->data(), first_[j].data(), first_[j].size(),
                                        momentum, lr, nesterov_);
    }

private:
    std::string solver_;
    double lr_, beta_1_, beta_2_, epsilon_, momentum_;
    bool nesterov_;
    int t_ = 0;
    std::vector<Array<T>> first_, second_;
};

/// sklearn's epoch loop with the explicit formulas; returns the last epoch's loss (loss_).
template <class T>
double explicit_fit(const json& spec, const Array<T>& X, const std::vector<std::int64_t>& y, std::size_t rows_used,
                    std::size_t epochs, std::vector<Array<T>> coefs, std::vector<Array<T>> intercepts) {
    const std::size_t d = X.shape(1), k = spec["n_outputs"], batch = spec["batch_size"];
    tapegrad::mlp::ExplicitMLP<T> model{std::move(coefs), std::move(intercepts), spec["activation"],
                                        spec["out_activation"], spec["loss"], spec["alpha"]};
    std::vector<Array<T>*> params;
    for (auto& coef : model.coefs) params.push_back(&coef);
    for (auto& intercept : model.intercepts) params.push_back(&intercept);
    ExplicitOptimizer<T> optimizer(spec, params);

    // The targets in the network's form: (n,) of 0/1 for one logistic output, else one-hot (n, k).
    Array<T> Y = k == 1 ? Array<T>::from_shape({rows_used}) : Array<T>::from_shape({rows_used, k});
    std::fill(Y.begin(), Y.end(), T(0));
    for (std::size_t r = 0; r < rows_used; ++r) {
        if (k == 1) Y(r) = T(y[r]);
        else Y(r, static_cast<std::size_t>(y[r])) = T(1);
    }

    Array<T> X_batch, Y_batch;
    tapegrad::mlp::ExplicitBackprop<T> result;
    std::vector<const Array<T>*> grads;
    double epoch_loss = std::nan("");
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        double accumulated = 0;
        for (std::size_t start = 0; start < rows_used; start += batch) {
            const std::size_t rows = std::min(batch, rows_used - start);
            X_batch.resize({rows, d});
            std::copy(X.data() + start * d, X.data() + (start + rows) * d, X_batch.data());
            if (k == 1) Y_batch.resize({rows});
            else Y_batch.resize({rows, k});
            std::copy(Y.data() + start * k, Y.data() + (start + rows) * k, Y_batch.data());

            tapegrad::mlp::explicit_backprop(model, X_batch, Y_batch, result);
            accumulated += static_cast<double>(result.loss) * rows;
            grads.clear();
            for (const auto& grad : result.coef_grads) grads.push_back(&grad);
            for (const auto& grad : result.intercept_grads) grads.push_back(&grad);
            optimizer.step(params, grads);
        }
        epoch_loss = accumulated / rows_used;
    }
    return epoch_loss;
}

template <class T>
json run_explicit(const Workload<T>& w) {
    explicit_fit(w.spec, w.X, w.y, warm_up_rows(w.spec, w.y), 1, w.coefs, w.intercepts);
    const std::size_t epochs = w.spec["max_iter"];
    const auto start = Clock::now();
    const double loss = explicit_fit(w.spec, w.X, w.y, w.y.size(), epochs, w.coefs, w.intercepts);
    const std::chrono::duration<double> seconds = Clock::now() - start;
    return {{"fit_seconds", seconds.count()}, {"loss", loss}, {"n_iter", epochs}};
}

template <class T>
json run(const Options& options) {
    const Workload<T> w = load_workload<T>(options);
    json result = options.explicit_loop ? run_explicit(w) : run_estimator(w);
    result["system"] = options.explicit_loop ? "explicit" : "tapegrad";
    result["workload"] = options.workload;
    result["dtype"] = options.dtype;
    result["threads"] = options.threads;
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options options = parse_options(argc, argv);
        openblas_set_num_threads(options.threads);
        const json result = options.dtype == "float64" ? run<double>(options) : run<float>(options);
        std::cout << result.dump() << std::endl;
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "tapegrad_fit: " << error.what() << "\n";
        return 1;
    }
}
