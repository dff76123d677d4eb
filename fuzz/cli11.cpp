// CLI11 is header-only: the vtables of its classes are emitted where an App is constructed, which
// in the `tapegrad` program is main.cpp. The fuzz targets use the command line's code without
// main.cpp, so this file constructs one instead.
#include <CLI/CLI.hpp>

namespace tapegrad_fuzz {

void cli11_definitions() {
    CLI::App app{"tapegrad"};
    (void)app;
}

}  // namespace tapegrad_fuzz
