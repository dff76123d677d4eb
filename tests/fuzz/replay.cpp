// Replays every file of fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ through its
// fuzz target: one test per file (FuzzReplay/Corpus.File/<target>_<file>). A target aborts on a
// broken invariant and lets any exception but tapegrad::Error escape: either fails the test.
//
// To keep a crash found by fuzz/run.sh: copy the artifact it names (build-fuzz/artifacts/...) to
// tests/fuzz/regressions/<target>/, fix the bug, and this test replays it from then on.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#define TAPEGRAD_FUZZ_TARGET(name) extern "C" int tapegrad_fuzz_##name(const std::uint8_t* data, std::size_t size);
TAPEGRAD_FUZZ_TARGET(csv)
TAPEGRAD_FUZZ_TARGET(npy)
TAPEGRAD_FUZZ_TARGET(model_file)
TAPEGRAD_FUZZ_TARGET(init_weights)
TAPEGRAD_FUZZ_TARGET(flags)
#undef TAPEGRAD_FUZZ_TARGET

namespace {

namespace fs = std::filesystem;

using Entry = int (*)(const std::uint8_t*, std::size_t);

struct Input {
    std::string target;
    Entry entry;
    fs::path file;
};

std::vector<Input> inputs() {
    const struct {
        const char* name;
        Entry entry;
    } targets[] = {{"csv", tapegrad_fuzz_csv},
                   {"npy", tapegrad_fuzz_npy},
                   {"model_file", tapegrad_fuzz_model_file},
                   {"init_weights", tapegrad_fuzz_init_weights},
                   {"flags", tapegrad_fuzz_flags}};
    const fs::path root = TAPEGRAD_SOURCE_DIR;
    std::vector<Input> found;
    for (const auto& target : targets) {
        for (const fs::path& dir : {root / "fuzz" / "corpus" / target.name, root / "tests" / "fuzz" / "regressions" / target.name}) {
            if (!fs::is_directory(dir)) continue;
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator(dir))
                if (entry.is_regular_file()) files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& file : files) found.push_back({target.name, target.entry, file});
        }
    }
    return found;
}

void PrintTo(const Input& input, std::ostream* out) { *out << input.target << ": " << input.file.string(); }

/// "csv_corpus_header_only_csv": a test name of letters, digits and '_'.
std::string test_name(const Input& input) {
    std::string name = input.target + "_" + input.file.parent_path().parent_path().filename().string() + "_" +
                       input.file.filename().string();
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

class Corpus : public ::testing::TestWithParam<Input> {};

TEST_P(Corpus, File) {
    const Input& input = GetParam();
    std::ifstream in(input.file, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << input.file;
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(input.entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(FuzzReplay, Corpus, ::testing::ValuesIn(inputs()),
                         [](const ::testing::TestParamInfo<Input>& info) { return test_name(info.param); });

TEST(FuzzReplay, EveryTargetHasASeedCorpus) {
    for (const char* name : {"csv", "npy", "model_file", "init_weights", "flags"}) {
        const fs::path dir = fs::path(TAPEGRAD_SOURCE_DIR) / "fuzz" / "corpus" / name;
        EXPECT_TRUE(fs::is_directory(dir) && !fs::is_empty(dir)) << dir << " is missing or empty";
    }
}

}  // namespace
