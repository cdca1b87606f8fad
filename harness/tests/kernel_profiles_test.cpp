// matrices/profiles.yaml and the Rust targets of matrices/flags.yaml against
// the kernel lines they cite, kept in matrices/kernel/: every cited line
// stands there as written, and every argument a profile's cells pass (as
// the harness plans them, for clang, gcc and rustc) is in the lines the
// profile cites; every field and feature of a generated target.json is in
// the generator's lines.

#include "compile/plan.hpp"
#include "matrix/load.hpp"
#include "util/text.hpp"

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace amx {
namespace {

const std::filesystem::path kKernel = test::kSourceDir / "matrices" / "kernel";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s)
    if (c == sep)
      out.emplace_back();
    else
      out.back().push_back(c);
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The lines of a copied kernel file, as they stand but for the indentation
// around them, which make does not read.
std::set<std::string> lines_of(const std::string& file) {
  std::ifstream in(kKernel / file);
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.insert(trim(line));
  return out;
}

// What make makes of the cited lines, enough to compare arguments: $(CONFIG_X)
// and whole $(...) expressions from the profile's config, variables the
// cited lines assign (every assignment of one counts), cc-option's and
// rustc-option's argument, both branches of an $(if ...), $(comma).
class Expander {
public:
  Expander(const std::vector<KernelLines>& cited, const std::map<std::string, std::string>& config)
      : m_config(config) {
    for (const auto& k : cited)
      for (auto line : k.lines) {
        line = trim(line);
        for (const char* op : {":=", "+="})
          if (auto at = line.find(op); at != std::string::npos) {
            auto name = trim(line.substr(0, at));
            if (!name.empty() && name.find_first_of(" $(") == std::string::npos)
              m_vars[name] += " " + line.substr(at + 2);
          }
      }
  }

  std::string expand(const std::string& text, int depth = 0) const {
    std::string out;
    for (std::size_t i = 0; i < text.size(); i++) {
      if (text.compare(i, 2, "$(") != 0) {
        out += text[i];
        continue;
      }
      std::size_t end = i + 2;
      for (int open = 1; end < text.size() && open; end++)
        open += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
      std::string whole = text.substr(i, end - i), inner = text.substr(i + 2, end - i - 3);
      out += resolve(whole, inner, depth);
      i = end - 1;
    }
    return out;
  }

private:
  std::string resolve(const std::string& whole, const std::string& inner, int depth) const {
    if (depth > 8)
      return whole;
    if (auto it = m_config.find(whole); it != m_config.end())
      return it->second;
    if (auto it = m_config.find(inner); it != m_config.end())
      return it->second;
    if (inner == "comma")
      return ",";
    for (const char* fn : {"call cc-option,", "call rustc-option,"})
      if (inner.starts_with(fn))
        return expand(split(inner.substr(std::string(fn).size()), ',')[0], depth + 1);
    if (inner.starts_with("if ")) { // $(if COND,THEN,ELSE): both may be passed
      auto parts = split(inner.substr(inner.find(')') + 2), ',');
      std::string both;
      for (const auto& p : parts)
        both += " " + expand(p, depth + 1);
      return both;
    }
    if (auto it = m_vars.find(inner); it != m_vars.end())
      return expand(it->second, depth + 1);
    return whole;
  }

  std::map<std::string, std::string> m_config;
  std::map<std::string, std::string> m_vars;
};

// The arguments the cited lines pass, with the shell's quotes removed.
std::set<std::string> arguments(const std::vector<KernelLines>& cited, const std::map<std::string, std::string>& config) {
  Expander make(cited, config);
  std::set<std::string> out;
  for (const auto& k : cited)
    for (const auto& line : k.lines)
      for (auto word : split_words(make.expand(line))) {
        std::erase(word, '"');
        out.insert(word);
      }
  return out;
}

std::string cited_text(const std::vector<KernelLines>& cited) {
  std::string out;
  for (const auto& k : cited)
    for (const auto& line : k.lines)
      out += line + "\n";
  return out;
}

void expect_verbatim(const std::vector<KernelLines>& cited, const std::string& who) {
  for (const auto& k : cited) {
    ASSERT_TRUE(std::filesystem::exists(kKernel / k.file)) << who << " cites " << k.file << ", not in matrices/kernel";
    auto have = lines_of(k.file);
    for (const auto& line : k.lines)
      EXPECT_TRUE(have.count(trim(line))) << who << " cites a line " << k.file << " does not have:\n  " << line;
  }
}

class KernelProfiles : public ::testing::Test {
protected:
  void SetUp() override {
    std::string names;
    Matrix all = load_matrix(test::kSourceDir / "matrices" / "kernel-x86_64.yaml");
    for (const auto& [name, _] : all.profile_catalogue)
      names += (names.empty() ? "" : ", ") + name;
    test::write_file(m_dir.path() / "m.yaml",
                     "import: [" + (test::kSourceDir / "matrices/flags.yaml").string() + ", " +
                         (test::kSourceDir / "matrices/profiles.yaml").string() + "]\nfixtures-dir: " +
                         (test::kSourceDir / "fixtures").string() +
                         "\ntargets: [x86_64, i386, aarch64, riscv64]\nc-compilers: [clang-19, gcc]\n"
                         "fixtures: [scalars]\npairings: []\nprofiles: [" + names + "]\n");
    m = load_matrix(m_dir.path() / "m.yaml");
  }

  test::ScopedTempDir m_dir;
  Matrix m;
};

TEST_F(KernelProfiles, EveryArgumentIsInTheLinesItCites) {
  AMX_REQUIRE_TOOLS("clang-19", "x86_64-linux-gnu-gcc", "aarch64-linux-gnu-gcc", "riscv64-linux-gnu-gcc",
                    "i686-linux-gnu-gcc", "rustc");
  Toolchain tc = Toolchain::probe(m);
  ASSERT_GE(m.profile_catalogue.size(), 9u);
  for (const auto& [name, p] : m.profile_catalogue) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(p.kernel.empty()) << "profile " << name << " cites no kernel line";
    expect_verbatim(p.kernel, "profile " + name);
    auto cited = arguments(p.kernel, p.config);
    Fixture fixture{"scalars", "", {}, {}, {}, {}, {}};
    int planned = 0;
    for (const auto& cc : m.c_compilers) {
      Cell cell;
      cell.target = find_target(p.target);
      cell.fixture = &fixture;
      cell.c_compiler = &cc;
      cell.rustc = "rustc";
      cell.c = p.c_flags();
      cell.rust = p.flags;
      auto plan = plan_cell(cell, m, tc, "/w/targets");
      if (plan.skip) {
        EXPECT_EQ(cc.family, Family::gcc) << *plan.skip; // gcc has no KCFI
        continue;
      }
      planned++;
      for (const auto& a : plan.c_args)
        EXPECT_TRUE(cited.count(a)) << cc.name << " gets " << a << ", which no line " << name << " cites passes";
      if (!p.kernel_builds_rust)
        continue;
      for (const auto& a : plan.rust_args) {
        if (a == "-Zunstable-options" || (plan.rust_spec && a == "--target=" + plan.rust_spec->path.string()))
          continue; // the specification is held to the generator's lines below
        EXPECT_TRUE(cited.count(a)) << "rustc gets " << a << ", which no line " << name << " cites passes";
      }
    }
    EXPECT_GT(planned, 0);
  }
}

TEST_F(KernelProfiles, TargetSpecificationsAreTheGenerators) {
  int specs = 0;
  for (const auto& rt : m.rust_targets) {
    SCOPED_TRACE(rt.name);
    expect_verbatim(rt.kernel, "Rust target " + rt.name);
    if (!rt.is_spec())
      continue;
    specs++;
    EXPECT_FALSE(rt.kernel.empty());
    auto text = cited_text(rt.kernel);
    for (const auto& [key, value] : rt.spec) {
      EXPECT_THAT(text, ::testing::HasSubstr("\"" + key + "\"")) << "the generator writes no " << key;
      auto v = nlohmann::json::parse(value);
      if (key == "features") {
        for (const auto& f : split(v.get<std::string>(), ','))
          EXPECT_THAT(text, ::testing::HasSubstr(f));
      } else if (v.is_string()) {
        EXPECT_THAT(text, ::testing::HasSubstr("\"" + v.get<std::string>() + "\""));
      }
    }
    for (const auto& [flag, features] : rt.features_from)
      for (const auto& f : split(features, ','))
        EXPECT_THAT(text, ::testing::HasSubstr("\"," + f + "\"")) << flag;
  }
  EXPECT_GE(specs, 1);
}

} // namespace
} // namespace amx
