# Compile options shared by every tapegrad target: warnings, sanitizers, native code.
add_library(tapegrad_options INTERFACE)
add_library(tapegrad::options ALIAS tapegrad_options)
target_compile_options(tapegrad_options INTERFACE -Wall -Wextra)
if(TAPEGRAD_NATIVE)
  target_compile_options(tapegrad_options INTERFACE -march=native)
  target_compile_definitions(tapegrad_options INTERFACE XTENSOR_USE_XSIMD)
endif()
# AddressSanitizer (with LeakSanitizer, on by default on Linux) and UndefinedBehaviorSanitizer; a
# report of either aborts the program (-fno-sanitize-recover=all), so a test that triggers one fails.
if(TAPEGRAD_SANITIZE)
  target_compile_options(tapegrad_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                                                    -fno-omit-frame-pointer)
  target_link_options(tapegrad_options INTERFACE -fsanitize=address,undefined)
endif()
# ThreadSanitizer (cannot be combined with the above); CI builds only the concurrency test with it.
option(TAPEGRAD_SANITIZE_THREAD "Build with ThreadSanitizer" OFF)
if(TAPEGRAD_SANITIZE_THREAD)
  if(TAPEGRAD_SANITIZE)
    message(FATAL_ERROR "TAPEGRAD_SANITIZE and TAPEGRAD_SANITIZE_THREAD cannot be on together")
  endif()
  target_compile_options(tapegrad_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(tapegrad_options INTERFACE -fsanitize=thread)
endif()
