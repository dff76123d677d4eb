# The fuzz targets, shared by fuzz/CMakeLists.txt (the libFuzzer build, clang) and
# tests/fuzz/CMakeLists.txt (the replay tests of the normal build).
#   TAPEGRAD_FUZZ_TARGETS: target <name> is fuzz/fuzz_<name>.cpp, seeded from fuzz/corpus/<name>/.
set(TAPEGRAD_FUZZ_TARGETS csv npy model_file init_weights flags)
set(TAPEGRAD_FUZZ_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

# tapegrad_fuzz_cli_library(NAME): the command line's code (every cli/*.cpp but main.cpp) as a
# static library (with fuzz/cli11.cpp for CLI11's definitions), for the targets that read files
# the way `tapegrad` does.
function(tapegrad_fuzz_cli_library name)
  find_package(CLI11 REQUIRED)
  find_package(nlohmann_json REQUIRED)
  file(GLOB sources CONFIGURE_DEPENDS ${TAPEGRAD_FUZZ_ROOT}/cli/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  add_library(${name} STATIC ${sources} ${TAPEGRAD_FUZZ_ROOT}/fuzz/cli11.cpp)
  target_link_libraries(${name}
    PUBLIC tapegrad_mlp tapegrad_io CLI11::CLI11 nlohmann_json::nlohmann_json
    PRIVATE tapegrad_options)
endfunction()
