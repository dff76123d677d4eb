// LibTorch 1.13 (C++) peer: the workload's network trained as scikit-learn 1.2 trains it, timed.
//
//   libtorch_fit --workload W2 --dtype float64 --data bench/.data --threads 1 [--blas-threads N]
//
// The same model, loss, L2 term and hand-written sklearn update as bench/peers/torch_fit.py (read
// its docstring for the formulas and the reasons), in C++ with the LibTorch API a C++ user writes:
// torch::nn::Sequential of Linear and the hidden activation, autograd for the data loss, the L2
// gradient alpha W / nb added to each weight's grad after backward, the optimizer update in place
// under torch::NoGradGuard. Prints one JSON line (see bench/peers/workload.py).
//
// The timed region is the epoch loop alone, after one untimed warm-up epoch on the first
// min(n, 2 * batch_size) rows with a separate copy of the model. Threads: at::set_num_threads for
// intra-op parallelism, openblas_set_num_threads for the BLAS the GEMMs run in. Run it with
// OMP_WAIT_POLICY=PASSIVE in the environment (bench/run.py does) when --threads > 1: GNU OpenMP's
// spinning idle threads otherwise starve OpenBLAS's threads (10x slower on 2 cores).
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

extern "C" void openblas_set_num_threads(int num_threads);

namespace {

using nlohmann::json;

struct Options {
    std::string workload, dtype = "float64", data;
    int threads = 1, blas_threads = 0;  // 0: same as threads
};

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
        const std::string value = argv[++i];
        if (flag == "--workload") options.workload = value;
        else if (flag == "--dtype") options.dtype = value;
        else if (flag == "--data") options.data = value;
        else if (flag == "--threads") options.threads = std::stoi(value);
        else if (flag == "--blas-threads") options.blas_threads = std::stoi(value);
        else throw std::invalid_argument("unknown option " + flag);
    }
    if (options.workload.empty() || options.data.empty())
        throw std::invalid_argument("usage: libtorch_fit --workload W --data DIR [--dtype float64|float32] "
                                    "[--threads N] [--blas-threads N]");
    if (options.dtype != "float64" && options.dtype != "float32")
        throw std::invalid_argument("--dtype must be float64 or float32, got " + options.dtype);
    if (options.threads < 1 || options.blas_threads < 0)
        throw std::invalid_argument("--threads must be >= 1 and --blas-threads >= 0");
    if (options.blas_threads == 0) options.blas_threads = options.threads;
    return options;
}

/// A .npy file as a contiguous torch tensor of `shape` (checked) and element type T.
template <class T>
torch::Tensor load_npy(const std::string& path, const std::vector<std::int64_t>& shape) {
    xt::xarray<T> array;
    try {
        array = xt::load_npy<T>(path);  // throws on another dtype: no silent conversion
    } catch (const std::exception& error) {
        throw std::runtime_error(path + ": " + error.what());
    }
    const std::vector<std::int64_t> file_shape(array.shape().begin(), array.shape().end());
    if (file_shape != shape) {
        std::ostringstream message;
        message << path << ": shape " << torch::IntArrayRef(file_shape) << " but workloads.json says "
                << torch::IntArrayRef(shape);
        throw std::runtime_error(message.str());
    }
    const auto type = std::is_same<T, double>::value  ? torch::kFloat64
                      : std::is_same<T, float>::value ? torch::kFloat32
                                                      : torch::kInt64;
    return torch::from_blob(const_cast<T*>(array.data()), shape, type).clone();
}

struct Workload {
    json spec;
    torch::Tensor X, target;  // target: (n, 1) float for one logistic output, (n,) int64 otherwise
    std::vector<torch::Tensor> coefs, intercepts;
};

template <class T>
Workload load_workload(const Options& options) {
    const std::string index_path = options.data + "/workloads.json";
    std::ifstream index_file(index_path);
    if (!index_file) throw std::runtime_error(index_path + ": cannot open; run bench/prepare_data.py");
    const json index = json::parse(index_file);
    if (!index["workloads"].contains(options.workload))
        throw std::runtime_error(index_path + ": no workload " + options.workload);
    Workload w;
    w.spec = index["workloads"][options.workload];
    const json& files = w.spec["files"];
    if (!files["X"].contains(options.dtype))
        throw std::runtime_error("workload " + options.workload + " has no " + options.dtype + " variant");
    const std::int64_t n = w.spec["n_samples"], d = w.spec["n_features"];
    const std::vector<std::int64_t> units = w.spec["layer_units"];
    w.X = load_npy<T>(options.data + "/" + files["X"][options.dtype].get<std::string>(), {n, d});
    const torch::Tensor y = load_npy<std::int64_t>(options.data + "/" + files["y"].get<std::string>(), {n});
    w.target = w.spec["n_outputs"] == 1 ? y.to(w.X.scalar_type()).reshape({n, 1}) : y;
    for (std::size_t i = 0; i + 1 < units.size(); ++i) {
        w.coefs.push_back(load_npy<T>(options.data + "/" + files["coefs"][options.dtype][i].get<std::string>(),
                                      {units[i], units[i + 1]}));
        w.intercepts.push_back(load_npy<T>(
            options.data + "/" + files["intercepts"][options.dtype][i].get<std::string>(), {units[i + 1]}));
    }
    return w;
}

struct Model {
    torch::nn::Sequential sequential;
    std::vector<torch::nn::Linear> linears;
};

Model make_model(const Workload& w) {
    Model model;
    const std::string activation = w.spec["activation"];
    for (std::size_t i = 0; i < w.coefs.size(); ++i) {
        torch::nn::Linear linear(torch::nn::LinearOptions(w.coefs[i].size(0), w.coefs[i].size(1)));
        linear->to(w.X.scalar_type());
        {
            torch::NoGradGuard no_grad;
            linear->weight.copy_(w.coefs[i].t());  // Linear keeps (out, in)
            linear->bias.copy_(w.intercepts[i]);
        }
        model.sequential->push_back(linear);
        model.linears.push_back(linear);
        if (i + 1 == w.coefs.size()) break;
        if (activation == "relu") model.sequential->push_back(torch::nn::ReLU());
        else if (activation == "tanh") model.sequential->push_back(torch::nn::Tanh());
        else if (activation == "logistic") model.sequential->push_back(torch::nn::Sigmoid());
        else if (activation != "identity") throw std::runtime_error("unknown activation " + activation);
    }
    return model;
}

/// sklearn's Adam or SGD (momentum, Nesterov, constant learning rate), in place.
class SklearnOptimizer {
public:
    SklearnOptimizer(const json& spec, std::vector<torch::Tensor> params)
        : solver_(spec["solver"]), params_(std::move(params)), lr_(spec["learning_rate_init"]),
          beta_1_(spec["beta_1"]), beta_2_(spec["beta_2"]), epsilon_(spec["epsilon"]),
          momentum_(spec["momentum"]), nesterov_(spec["nesterovs_momentum"]) {
        if (solver_ != "adam" && solver_ != "sgd") throw std::runtime_error("solver " + solver_ + " not benchmarked");
        if (solver_ == "sgd" && spec["learning_rate"] != "constant")
            throw std::runtime_error("only a constant learning rate is implemented for sgd");
        for (const auto& p : params_) {
            first_.push_back(torch::zeros_like(p));   // adam m, sgd velocity
            second_.push_back(torch::zeros_like(p));  // adam v
        }
    }

    void step() {
        torch::NoGradGuard no_grad;
        if (solver_ == "adam") {
            ++t_;
            const double lr_t = lr_ * std::sqrt(1 - std::pow(beta_2_, t_)) / (1 - std::pow(beta_1_, t_));
            for (std::size_t i = 0; i < params_.size(); ++i) {
                const torch::Tensor& grad = params_[i].grad();
                first_[i].mul_(beta_1_).add_(grad, 1 - beta_1_);
                second_[i].mul_(beta_2_).addcmul_(grad, grad, 1 - beta_2_);
                params_[i].addcdiv_(first_[i], second_[i].sqrt().add_(epsilon_), -lr_t);
            }
            return;
        }
        for (std::size_t i = 0; i < params_.size(); ++i) {
            const torch::Tensor& grad = params_[i].grad();
            first_[i].mul_(momentum_).add_(grad, -lr_);
            if (nesterov_) params_[i].add_(first_[i], momentum_).add_(grad, -lr_);
            else params_[i].add_(first_[i]);
        }
    }

private:
    std::string solver_;
    std::vector<torch::Tensor> params_, first_, second_;
    double lr_, beta_1_, beta_2_, epsilon_, momentum_;
    bool nesterov_;
    int t_ = 0;
};

/// sklearn's epoch loop over consecutive batches; returns the last epoch's loss (sklearn's loss_).
double train(const json& spec, Model& model, const torch::Tensor& X, const torch::Tensor& target, int epochs) {
    SklearnOptimizer optimizer(spec, model.sequential->parameters());
    const bool binary = spec["n_outputs"] == 1;
    const double half_alpha = 0.5 * spec["alpha"].get<double>();
    const std::int64_t n = X.size(0), batch = spec["batch_size"];
    double epoch_loss = std::nan("");
    for (int epoch = 0; epoch < epochs; ++epoch) {
        double accumulated = 0;
        for (std::int64_t start = 0; start < n; start += batch) {
            const std::int64_t stop = std::min(n, start + batch), rows = stop - start;
            const torch::Tensor X_batch = X.slice(0, start, stop), target_batch = target.slice(0, start, stop);
            const torch::Tensor z = model.sequential->forward(X_batch);
            const torch::Tensor data_loss = binary ? torch::binary_cross_entropy_with_logits(z, target_batch)
                                                   : torch::cross_entropy_loss(z, target_batch);
            for (auto& p : model.sequential->parameters()) p.mutable_grad() = torch::Tensor();
            data_loss.backward();
            double l2 = 0;
            {
                torch::NoGradGuard no_grad;
                for (auto& linear : model.linears) {
                    linear->weight.mutable_grad().add_(linear->weight, 2 * half_alpha / rows);
                    const torch::Tensor flat = linear->weight.reshape({-1});
                    l2 += torch::dot(flat, flat).item<double>();
                }
            }
            optimizer.step();
            accumulated += (data_loss.item<double>() + half_alpha * l2 / rows) * rows;
        }
        epoch_loss = accumulated / n;
    }
    return epoch_loss;
}

template <class T>
json run(const Options& options) {
    const Workload w = load_workload<T>(options);
    const std::int64_t warm_rows = std::min<std::int64_t>(w.X.size(0), 2 * w.spec["batch_size"].get<std::int64_t>());
    Model warm_model = make_model(w);
    train(w.spec, warm_model, w.X.slice(0, 0, warm_rows), w.target.slice(0, 0, warm_rows), 1);

    Model model = make_model(w);
    const auto start = std::chrono::steady_clock::now();
    const double loss = train(w.spec, model, w.X, w.target, w.spec["max_iter"]);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    return {{"system", "libtorch"},     {"workload", options.workload},
            {"dtype", options.dtype},   {"threads", options.threads},
            {"blas_threads", options.blas_threads},
            {"fit_seconds", seconds.count()}, {"loss", loss},
            {"n_iter", w.spec["max_iter"]}, {"torch", TORCH_VERSION}};
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options options = parse_options(argc, argv);
        at::set_num_threads(options.threads);
        openblas_set_num_threads(options.blas_threads);
        const json result = options.dtype == "float64" ? run<double>(options) : run<float>(options);
        std::cout << result.dump() << std::endl;
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "libtorch_fit: " << error.what() << "\n";
        return 1;
    }
}
