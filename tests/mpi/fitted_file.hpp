#pragma once
// The results of a fit as text (17 significant digits): the worker's rank 0 writes them, the test
// reads them and compares with the single-process fit.
//
//     <n losses> loss...  <n arrays> { <ndim> dims... values... }...

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <tapegrad/autograd/array.hpp>

#include "custom_model.hpp"

namespace mpi_test {

inline void write_fitted(const std::string& path, const Fitted& fitted) {
    std::ofstream out(path);
    out << fitted.losses.size() << '\n';
    for (double loss : fitted.losses) out << fmt::format("{:.17g}\n", loss);
    out << fitted.weights.size() << '\n';
    for (const auto& w : fitted.weights) {
        out << w.dimension();
        for (std::size_t d : w.shape()) out << ' ' << d;
        out << '\n';
        for (double v : w) out << fmt::format("{:.17g}\n", v);
    }
    if (!out) throw std::runtime_error("cannot write " + path);
}

inline Fitted read_fitted(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    Fitted fitted;
    std::size_t n = 0;
    in >> n;
    fitted.losses.resize(n);
    for (double& loss : fitted.losses) in >> loss;
    in >> n;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t ndim = 0;
        in >> ndim;
        tapegrad::Shape shape(ndim);
        for (std::size_t& d : shape) in >> d;
        tapegrad::Array<double> w = tapegrad::Array<double>::from_shape(shape);
        for (double& v : w) in >> v;
        fitted.weights.push_back(std::move(w));
    }
    if (!in) throw std::runtime_error(path + " is truncated or malformed");
    return fitted;
}

}  // namespace mpi_test
