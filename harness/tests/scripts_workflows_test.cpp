// The CI workflows (.github/workflows/nightly.yml, .gitlab-ci.yml) call
// only commands that the tests run, shard with --partition and merge, and
// hand the JUnit reports to the dashboard; scripts/setup --runtime-only
// leaves out what only the tests need.

#include "test_support.hpp"
#include "util/text.hpp"

#include <gmock/gmock.h>
#include <yaml-cpp/yaml.h>

#include <regex>

namespace amx {
namespace {

using ::testing::Contains;
using ::testing::Not;

// Every shell line a workflow runs: GitHub's `run:` blocks, GitLab's
// `script:` and `before_script:` lists, in file order.
void shell_lines(const YAML::Node& n, std::vector<std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      if (key == "run" && kv.second.IsScalar()) {
        for (const auto& line : split_lines(kv.second.as<std::string>()))
          if (!line.empty())
            out.push_back(line);
      } else if ((key == "script" || key == "before_script") && kv.second.IsSequence()) {
        for (const auto& line : kv.second)
          out.push_back(line.as<std::string>());
      } else {
        shell_lines(kv.second, out);
      }
    }
  } else if (n.IsSequence()) {
    for (const auto& e : n)
      shell_lines(e, out);
  }
}

// What a workflow may run: preparing a bare Debian container for rustup,
// and the three scripts whose options the tests exercise.
const std::vector<std::regex> kAllowed = {
    std::regex(R"(apt-get update -qq && apt-get install -y -qq --no-install-recommends curl ca-certificates git)"),
    std::regex(R"(curl -sSf https://sh\.rustup\.rs \| sh -s -- -y --profile minimal --default-toolchain 1\.95\.0)"),
    std::regex(R"(export PATH="\$HOME/\.cargo/bin:\$PATH")"),
    std::regex(R"(bash scripts/setup --runtime-only)"),
    std::regex(R"(bash scripts/build)"),
    std::regex(R"(bash scripts/nightly --no-build --partition [^ ]+/[^ ]+)"),
    std::regex(R"(bash scripts/nightly --no-build --merge-shards)"),
};

TEST(ScriptsWorkflows, EachCallsOnlyTestedCommandsAndShardsThenMerges) {
  for (const char* file : {".github/workflows/nightly.yml", ".gitlab-ci.yml"}) {
    YAML::Node doc = YAML::LoadFile((test::kSourceDir / file).string());
    std::vector<std::string> lines;
    shell_lines(doc, lines);
    ASSERT_FALSE(lines.empty()) << file;
    bool partition = false, merge = false;
    for (const auto& line : lines) {
      EXPECT_TRUE(std::any_of(kAllowed.begin(), kAllowed.end(), [&](const std::regex& r) {
        return std::regex_match(line, r);
      })) << file << " runs a command no test runs: " << line;
      partition |= line.find("--partition") != std::string::npos;
      merge |= line.find("--merge-shards") != std::string::npos;
    }
    EXPECT_TRUE(partition && merge) << file;
  }
  // JUnit to the dashboard: the .xml reports scripts/nightly writes.
  auto gitlab = YAML::LoadFile((test::kSourceDir / ".gitlab-ci.yml").string());
  EXPECT_EQ(gitlab["nightly-merge"]["artifacts"]["reports"]["junit"].as<std::string>(), "results/*.xml");
  EXPECT_EQ(gitlab["nightly-shard"]["parallel"].as<int>(), 4);
  auto github = YAML::LoadFile((test::kSourceDir / ".github/workflows/nightly.yml").string());
  EXPECT_EQ(github["jobs"]["shard"]["strategy"]["matrix"]["shard"].size(), 4u);
  bool junit = false;
  for (const auto& step : github["jobs"]["merge"]["steps"])
    if (const YAML::Node with = step["with"]; with && with["report_paths"])
      junit |= with["report_paths"].as<std::string>() == "results/*.xml";
  EXPECT_TRUE(junit);
}

TEST(ScriptsWorkflows, SetupForANightlyLeavesOutWhatOnlyTheTestsNeed) {
  auto packages = [](std::vector<std::string> args) {
    args.insert(args.begin(), (test::kSourceDir / "scripts/setup").string());
    auto r = test::run_bash(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return split_lines(r.output);
  };
  auto all = packages({"--list"});
  auto runtime = packages({"--runtime-only", "--list"});
  for (const char* p : {"chromium", "shellcheck", "cmark-gfm", "libclang-rt-14-dev"}) {
    EXPECT_THAT(all, Contains(p));
    EXPECT_THAT(runtime, Not(Contains(p)));
  }
  for (const char* p : {"qemu-user", "clang-19", "libboost1.81-dev", "gcc-riscv64-linux-gnu", "rustc-web"})
    EXPECT_THAT(runtime, Contains(p));
  EXPECT_EQ(test::run_bash({(test::kSourceDir / "scripts/setup").string(), "--bogus"}).exit_code, 2);
}

} // namespace
} // namespace amx
