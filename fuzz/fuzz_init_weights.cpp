// Fuzz target: the files of `tapegrad fit --init-weights DIR`, through the command line itself
// (cli::run_fit: the loader, the checks that the files chain from the data's features to its
// outputs, and a two-epoch fit from those weights). The input is split at each "#%#%" into the
// bytes of coef_0.npy, intercept_0.npy, coef_1.npy and intercept_1.npy (an empty part: no such
// file). The first byte picks the data: float64 or float32 .npy features (so float32 training).

#include <string_view>

#include <tapegrad/io/npy.hpp>

#include "../cli/commands.hpp"
#include "fuzz_support.hpp"

using namespace tapegrad;
namespace fs = std::filesystem;
using tapegrad_fuzz::scratch_dir;

namespace {

constexpr std::string_view kSeparator = "#%#%";

/// Four samples of two features, two classes: the data every fit runs on.
void write_data() {
    const Array<double> X = {{0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}, {0.0, 0.0}};
    io::save_npy((scratch_dir() / "X64.npy").string(), X);
    io::save_npy((scratch_dir() / "X32.npy").string(), Array<float>(xt::cast<float>(X)));
    io::save_npy((scratch_dir() / "y.npy").string(), Array<double>{0.0, 1.0, 1.0, 0.0});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool data_written = (write_data(), true);
    (void)data_written;
    if (size == 0) return 0;
    const bool float32 = data[0] & 1;
    const std::string rest = tapegrad_fuzz::as_string(data + 1, size - 1);

    const fs::path dir = scratch_dir() / "weights";
    fs::remove_all(dir);
    fs::create_directory(dir);
    const char* names[] = {"coef_0.npy", "intercept_0.npy", "coef_1.npy", "intercept_1.npy"};
    std::size_t start = 0;
    for (const char* name : names) {
        const std::size_t end = std::min(rest.find(kSeparator, start), rest.size());
        if (end > start) tapegrad_fuzz::write_bytes(dir / name, rest.substr(start, end - start));
        if (end == rest.size()) break;
        start = end + kSeparator.size();
    }

    cli::FitOptions options;
    options.source.data_path = (scratch_dir() / (float32 ? "X32.npy" : "X64.npy")).string();
    options.source.target_path = (scratch_dir() / "y.npy").string();
    options.init_weights = dir.string();
    options.params.hidden_layer_sizes = {3};
    options.params.max_iter = 2;
    options.params.random_state = 0;
    try {
        cli::run_fit(options);
    } catch (const Error&) {
    }
    return 0;
}
