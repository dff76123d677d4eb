// Does one thing a sanitizer must report, named by the first argument: leak, heap-overflow,
// signed-overflow (ASan + UBSan build) or data-race (ThreadSanitizer build). Prints "went on after"
// if the program survives the error (a sanitizer that reports and lets the program continue).

#include <climits>
#include <cstdio>
#include <cstring>
#include <thread>

namespace {

int* volatile kept = nullptr;  // volatile: the compiler may not drop the allocation or the access
volatile int shared = 0;

}  // namespace

int main(int argc, char** argv) {
    const char* what = argc > 1 ? argv[1] : "";
    if (std::strcmp(what, "leak") == 0) {
        kept = new int[16];
        kept = nullptr;  // the only pointer to the block is gone
        return 0;
    }
    if (std::strcmp(what, "heap-overflow") == 0) {
        kept = new int[16];
        const int past_the_end = kept[16];
        std::printf("went on after reading %d\n", past_the_end);
        delete[] kept;
        return 0;
    }
    if (std::strcmp(what, "signed-overflow") == 0) {
        volatile int big = INT_MAX;
        const int sum = big + 1;
        std::printf("went on after computing %d\n", sum);
        return 0;
    }
    if (std::strcmp(what, "data-race") == 0) {
        std::thread first([] { shared = shared + 1; });
        std::thread second([] { shared = shared + 1; });
        first.join();
        second.join();
        return 0;
    }
    std::fprintf(stderr, "usage: sanitizer_canary leak|heap-overflow|signed-overflow|data-race\n");
    return 2;
}
