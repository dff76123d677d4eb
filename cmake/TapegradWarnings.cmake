# Compile options shared by every tapegrad target: warnings, sanitizers, native code.
add_library(tapegrad_options INTERFACE)
add_library(tapegrad::options ALIAS tapegrad_options)
target_compile_options(tapegrad_options INTERFACE -Wall -Wextra)
if(TAPEGRAD_NATIVE)
  target_compile_options(tapegrad_options INTERFACE -march=native)
  target_compile_definitions(tapegrad_options INTERFACE XTENSOR_USE_XSIMD)
endif()
if(TAPEGRAD_SANITIZE)
  target_compile_options(tapegrad_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                                    -fno-omit-frame-pointer)
  target_link_options(tapegrad_options INTERFACE -fsanitize=address,undefined)
endif()
