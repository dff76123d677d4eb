// The GEMM lower bound of a fit: the time OpenBLAS needs for the matrix products alone.
//
//   gemm_bound --data bench/.data --threads 1 [--workload W3] [--dtype float32]
//
// A training step of an MLP on a batch of b rows does, for each layer i with fan_in k = units[i]
// and fan_out u = units[i+1] (row-major, as sklearn and tapegrad store them):
//   forward   Z_i   = A_i (b x k) @ W_i (k x u)            M = b, N = u, K = k
//   backward  dW_i  = A_i^T (k x b) @ delta_i (b x u)      M = k, N = u, K = b   (A transposed)
//             dA_i  = delta_i (b x u) @ W_i^T (u x k)      M = b, N = k, K = u   (W transposed; i >= 1:
//                                                            nobody needs the gradient of X)
// An epoch has floor(n / b) batches of b rows and, if b does not divide n, one of n mod b rows.
// The bound of a fit is  max_iter * sum over the epoch's batches of sum over these GEMMs of the
// time of one cblas_dgemm / cblas_sgemm call of that shape, each measured in a loop on warm caches
// (the fastest of several blocks of calls: the best the library does, hence a LOWER bound: a real
// fit also moves the data in and out of cache and does everything that is not a GEMM).
//
// It also measures a 1024^3 GEMM, the throughput ceiling of the library on this machine.
// Prints one JSON line per workload and dtype, and one for the ceiling:
//   {"system": "gemm-bound", "workload": "W3", "dtype": "float64", "threads": 1,
//    "fit_seconds": 1.23, "gflop_per_fit": 60.1, "shapes": [{"m": .., "n": .., "k": .., ...}, ...]}
#include <cblas.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

/// One GEMM C (m x n) = op(A) (m x kdim) @ op(B) (kdim x n), row-major.
struct GemmShape {
    std::int64_t m, n, k;
    bool trans_a, trans_b;
    std::string role;  // forward / dW / dA, for the report
    bool operator<(const GemmShape& other) const {
        return std::tie(m, n, k, trans_a, trans_b) < std::tie(other.m, other.n, other.k, other.trans_a, other.trans_b);
    }
};

void gemm(const GemmShape& s, const double* a, const double* b, double* c) {
    cblas_dgemm(CblasRowMajor, s.trans_a ? CblasTrans : CblasNoTrans, s.trans_b ? CblasTrans : CblasNoTrans,
                s.m, s.n, s.k, 1.0, a, s.trans_a ? s.m : s.k, b, s.trans_b ? s.k : s.n, 0.0, c, s.n);
}

void gemm(const GemmShape& s, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, s.trans_a ? CblasTrans : CblasNoTrans, s.trans_b ? CblasTrans : CblasNoTrans,
                s.m, s.n, s.k, 1.0f, a, s.trans_a ? s.m : s.k, b, s.trans_b ? s.k : s.n, 0.0f, c, s.n);
}

/// Seconds of one call of shape s: the fastest block average of 7 blocks of >= 2 ms each.
template <class T>
double time_gemm(const GemmShape& s) {
    std::mt19937_64 engine(42);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<T> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
    for (auto& x : a) x = static_cast<T>(uniform(engine));
    for (auto& x : b) x = static_cast<T>(uniform(engine));
    for (int i = 0; i < 3; ++i) gemm(s, a.data(), b.data(), c.data());

    std::int64_t calls = 1;
    for (;;) {  // calls per block: enough for 2 ms
        const auto start = Clock::now();
        for (std::int64_t i = 0; i < calls; ++i) gemm(s, a.data(), b.data(), c.data());
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (seconds >= 2e-3) break;
        calls *= 2;
    }
    double best = 1e300;
    for (int block = 0; block < 7; ++block) {
        const auto start = Clock::now();
        for (std::int64_t i = 0; i < calls; ++i) gemm(s, a.data(), b.data(), c.data());
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count() / calls);
    }
    return best;
}

double flop(const GemmShape& s) { return 2.0 * s.m * s.n * s.k; }

/// The GEMMs of one training step on a batch of `rows` rows.
std::vector<GemmShape> step_gemms(const std::vector<std::int64_t>& units, std::int64_t rows) {
    std::vector<GemmShape> shapes;
    for (std::size_t i = 0; i + 1 < units.size(); ++i) {
        const std::int64_t k = units[i], u = units[i + 1];
        shapes.push_back({rows, u, k, false, false, "forward"});
        shapes.push_back({k, u, rows, true, false, "dW"});
        if (i >= 1) shapes.push_back({rows, k, u, false, true, "dA"});
    }
    return shapes;
}

template <class T>
json bound(const std::string& name, const std::string& dtype, const json& spec, int threads) {
    const std::int64_t n = spec["n_samples"];
    const std::int64_t batch = std::min(spec["batch_size"].get<std::int64_t>(), n);
    const std::int64_t epochs = spec["max_iter"];
    const std::vector<std::int64_t> units = spec["layer_units"];
    std::vector<std::pair<std::int64_t, std::int64_t>> batches{{batch, n / batch}};  // (rows, count)
    if (n % batch != 0) batches.push_back({n % batch, 1});

    std::map<GemmShape, double> seconds_of;  // every distinct shape measured once
    double epoch_seconds = 0, epoch_flop = 0;
    json shapes = json::array();
    for (const auto& [rows, count] : batches) {
        for (const GemmShape& s : step_gemms(units, rows)) {
            auto found = seconds_of.find(s);
            if (found == seconds_of.end()) found = seconds_of.emplace(s, time_gemm<T>(s)).first;
            epoch_seconds += count * found->second;
            epoch_flop += count * flop(s);
            shapes.push_back({{"role", s.role}, {"m", s.m}, {"n", s.n}, {"k", s.k},
                              {"trans_a", s.trans_a}, {"trans_b", s.trans_b}, {"calls_per_epoch", count},
                              {"seconds_per_call", found->second},
                              {"gflop_per_second", flop(s) / found->second * 1e-9}});
        }
    }
    return {{"system", "gemm-bound"}, {"workload", name}, {"dtype", dtype}, {"threads", threads},
            {"fit_seconds", epochs * epoch_seconds}, {"gflop_per_fit", epochs * epoch_flop * 1e-9},
            {"gflop_per_second", epoch_flop / epoch_seconds * 1e-9}, {"shapes", shapes}};
}

template <class T>
json ceiling(const std::string& dtype, int threads) {
    const GemmShape s{1024, 1024, 1024, false, false, "ceiling"};
    const double seconds = time_gemm<T>(s);
    return {{"system", "gemm-ceiling"}, {"dtype", dtype}, {"threads", threads}, {"m", s.m}, {"n", s.n},
            {"k", s.k}, {"seconds_per_call", seconds}, {"gflop_per_second", flop(s) / seconds * 1e-9}};
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string data, only_workload, only_dtype;
        int threads = 1;
        for (int i = 1; i < argc; ++i) {
            const std::string flag = argv[i];
            if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
            const std::string value = argv[++i];
            if (flag == "--data") data = value;
            else if (flag == "--workload") only_workload = value;
            else if (flag == "--dtype") only_dtype = value;
            else if (flag == "--threads") threads = std::stoi(value);
            else throw std::invalid_argument("unknown option " + flag);
        }
        if (data.empty() || threads < 1)
            throw std::invalid_argument(
                "usage: gemm_bound --data DIR [--threads N >= 1] [--workload W] [--dtype float64|float32]");
        openblas_set_num_threads(threads);

        const std::string index_path = data + "/workloads.json";
        std::ifstream index_file(index_path);
        if (!index_file) throw std::runtime_error(index_path + ": cannot open; run bench/prepare_data.py");
        const json workloads = json::parse(index_file)["workloads"];
        if (!only_workload.empty() && !workloads.contains(only_workload))
            throw std::runtime_error(index_path + ": no workload " + only_workload);

        for (const std::string dtype : {"float64", "float32"}) {
            if (!only_dtype.empty() && dtype != only_dtype) continue;
            bool any = false;
            for (const auto& [name, spec] : workloads.items()) {
                if (!only_workload.empty() && name != only_workload) continue;
                if (!spec["files"]["X"].contains(dtype)) continue;
                any = true;
                const json result = dtype == "float64" ? bound<double>(name, dtype, spec, threads)
                                                       : bound<float>(name, dtype, spec, threads);
                std::cout << result.dump() << std::endl;
            }
            if (any) std::cout << (dtype == "float64" ? ceiling<double>(dtype, threads)
                                                      : ceiling<float>(dtype, threads)).dump()
                               << std::endl;
        }
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "gemm_bound: " << error.what() << "\n";
        return 1;
    }
}
