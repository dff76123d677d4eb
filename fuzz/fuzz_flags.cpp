// Fuzz target: the command line's values (cli/flags.*). The first byte picks a flag of the
// estimator parameter table (or one of the plain parsers parse_float, parse_count, parse_bool);
// the rest is the value's text. Invariants: a value that parses shows (as --help and the model
// file spell it) as text that parses back to the same value; mlp::validate then accepts the
// parameters or refuses them by name (InvalidParameter), never anything else.

#include <cmath>

#include "../cli/flags.hpp"
#include "fuzz_support.hpp"

using namespace tapegrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text = tapegrad_fuzz::as_string(data + 1, size - 1);
    const auto& flags = cli::param_flags();
    const std::size_t choice = data[0] % (flags.size() + 3);
    try {
        if (choice == flags.size()) {
            FUZZ_CHECK(std::isfinite(cli::parse_float("float", text)), "parse_float gives finite numbers only");
        } else if (choice == flags.size() + 1) {
            const std::size_t count = cli::parse_count("count", text);
            FUZZ_CHECK(cli::parse_count("count", std::to_string(count)) == count, "a count reads back");
        } else if (choice == flags.size() + 2) {
            cli::parse_bool("bool", text);
        } else {
            const cli::ParamFlag& flag = flags[choice];
            mlp::MLPParams params;
            flag.set(params, text);
            const std::string shown = flag.show(params);
            mlp::MLPParams again;
            flag.set(again, shown);
            FUZZ_CHECK(flag.show(again) == shown, "a parsed value shows as text that parses back to it");
            try {
                mlp::validate(params, "MLPClassifier");
            } catch (const mlp::InvalidParameter&) {
            }
        }
    } catch (const cli::UsageError&) {
    }
    return 0;
}
