#pragma once
// The domain model of a matrix, as DESIGN.md names it: flags with values,
// class and per-compiler spellings; settings; targets; rules; cells.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

enum class FlagClass { abi, hardening, layout };
enum class Family { clang, gcc, rustc };
enum class Pairing { matched, c_only, rust_only, one_off, cross };
enum class Combine { each, product };
enum class Expected { pass, fail };
// The steps of a cell. rust-mix is the Rust-vs-Rust experiment: the fixture
// crate against a minicore built with the other side's setting.
enum class Stage { compile_c, compile_rust, link, run, check, rust_mix };

std::string to_string(FlagClass c);
std::string to_string(Family f);
std::string to_string(Pairing p);
std::string to_string(Expected e);
std::string to_string(Stage s);
// The value of `all` whose to_string is s.
template <typename E>
std::optional<E> parse_enum(const std::string& s, std::initializer_list<E> all) {
  for (E e : all)
    if (to_string(e) == s)
      return e;
  return std::nullopt;
}

std::optional<FlagClass> parse_flag_class(const std::string& s);
std::optional<Pairing> parse_pairing(const std::string& s);
std::optional<Expected> parse_expected(const std::string& s);
std::optional<Stage> parse_stage(const std::string& s);

// Where something came from in a YAML file, 1-based, for messages.
struct SourceMark {
  std::filesystem::path file;
  int line = 0;
  int column = 0;
};

// How one compiler family spells a flag: argument templates with "{value}",
// or explicit arguments per value. A value missing from a per-value map has
// no spelling. "off" means "pass nothing" unless the map spells it.
struct Spelling {
  std::vector<std::string> pattern;
  std::map<std::string, std::vector<std::string>> per_value;

  std::optional<std::vector<std::string>> args_for(const std::string& value) const;
};

struct Flag {
  std::string name;
  FlagClass cls = FlagClass::abi;
  std::string description;
  std::vector<std::string> values; // without "off", which every flag has
  std::vector<std::string> targets; // empty: every target
  std::map<Family, Spelling> spellings;
  // A target listed here uses only these spellings: a flag can mean
  // different arguments per architecture (soft-float, shadow call stack).
  std::map<std::string, std::map<Family, Spelling>> target_spellings;
  SourceMark defined_at;

  bool applies_to(const std::string& target) const;
  // nullptr: the family cannot express this flag on that target.
  const Spelling* spelling(Family family, const std::string& target) const;
};

// One value per flag. Only flags that are not "off" are stored, so adding a
// flag to a matrix leaves the settings (and so the cell keys) of others alone.
using Setting = std::map<std::string, std::string>;

// "off" for the empty setting, else "name=value,..." sorted by name.
std::string to_string(const Setting& s);
// The inverse of to_string (values may hold commas: "4,2").
Setting parse_setting(const std::string& text);
// The flags whose values differ between two settings.
std::vector<std::string> differing_flags(const Setting& a, const Setting& b);

struct Target {
  std::string name;
  std::string rust_triple;
  std::string clang_triple;
  std::string gcc_prefix;
  std::string qemu;
  std::vector<std::string> qemu_args;
};

struct CCompiler {
  std::string name; // as the matrix spells it: "clang-19", "gcc", "gcc-12"
  Family family = Family::clang;
};
// The family a C compiler name stands for ("clang-16", "gcc-12"), if any.
std::optional<Family> c_compiler_family(const std::string& name);

// Matches cells. An empty list matches anything; list entries are globs.
// c/rust require flag values on that side ("off" allowed).
struct Rule {
  std::vector<std::string> targets, fixtures, c_compilers, rustcs, pairings;
  Setting c, rust; // may hold "off" entries here, unlike a cell's setting
  SourceMark at;
};

struct Expectation {
  Rule match;
  Expected expected = Expected::fail;
  std::optional<Stage> stage; // a failure is expected at this stage only
  std::string reason;
};

// An explicit extra pair of settings, for every cell its rule scope matches.
struct Include {
  Rule scope;
  Setting c, rust;
};

// What the kernel passes to both compilers for one configuration of one
// architecture ("x86_64 with RETPOLINE, RETHUNK, IBT, CALL_PADDING and CFI"),
// citing the kernel Makefile lines it mirrors.
struct Profile {
  std::string name;
  std::string target;
  std::string description;
  std::vector<std::string> kernel; // the Makefile lines, "file (CONFIG_X): line"
  Setting flags;
  SourceMark defined_at;
};

// How a matrix pairs a profile P: both sides P; for each flag f of P, the
// Rust side (or the C side) with P but f.
enum class ProfilePairing { matched, rust_drops_one, c_drops_one };
std::string to_string(ProfilePairing p);
std::optional<ProfilePairing> parse_profile_pairing(const std::string& s);

struct UsedFlag {
  std::string name;
  std::vector<std::string> values; // non-off values to try
};

struct Timeouts {
  std::chrono::milliseconds compile{120'000};
  std::chrono::milliseconds link{60'000};
  std::chrono::milliseconds run{10'000};
};

// A property of the built objects and program that must hold when a flag is
// on: "check ibt-note when cf-protection is on". Kinds are in check/.
struct PropertyCheck {
  std::string property;
  std::string flag;
  std::vector<std::string> values; // empty: any value but off
};

struct Fixture {
  std::string name;
  std::string description;
  std::vector<std::string> targets; // empty: every target
  // The flags whose mismatch the fixture can observe. Cells that set any
  // other flag are not generated: they would say nothing about it.
  std::vector<std::string> flags;
  std::vector<PropertyCheck> checks;
  std::filesystem::path c_source, rust_source;
};

struct Matrix {
  std::filesystem::path path;
  std::string name;
  std::string hash; // of the matrix file and every catalogue it imports
  std::filesystem::path fixtures_dir;
  // The Rust library source (rust-web-src's /usr/src/rustc-1.96.0/library)
  // to build the real core from, with each cell's Rust flags; empty: the
  // fixtures' minicore.
  std::filesystem::path core_source;
  std::vector<Target> targets;
  std::vector<CCompiler> c_compilers;
  std::vector<std::string> rustcs; // names, as cells and rules know them
  // name -> where that rustc is: a name on PATH ("rustc"), an absolute
  // path, or a rustup toolchain ("+nightly-2026-11-20").
  std::map<std::string, std::string> rustc_locations;
  std::vector<Fixture> fixtures;
  std::map<std::string, Flag> catalogue; // every flag defined
  std::vector<UsedFlag> flags;           // the flags this matrix varies
  std::map<std::string, Profile> profile_catalogue; // every profile defined
  std::vector<std::string> profiles;                // the profiles this matrix runs
  std::vector<ProfilePairing> profile_pairings;
  std::vector<Pairing> pairings;
  Combine combine = Combine::each;
  std::vector<Include> includes;
  std::vector<Rule> excludes;
  std::vector<Expectation> expectations;
  Timeouts timeouts;
  std::size_t output_cap = 1 << 20;
};

struct Cell {
  std::string key; // stable across runs: see cell_key()
  std::string name; // readable
  const Target* target = nullptr;
  const Fixture* fixture = nullptr;
  const CCompiler* c_compiler = nullptr;
  std::string rustc;
  Setting c, rust;
  Pairing pairing = Pairing::matched;
  Expected expected = Expected::pass;
  std::optional<Stage> expected_stage; // where the expected failure is
  std::string expect_reason; // why that expectation
};

// Hash of target, fixture, C compiler name, C setting, rustc name and Rust
// setting. Toolchain versions are deliberately not part of it, so that a cell
// can be followed from one nightly toolchain to the next.
std::string cell_key(const std::string& target, const std::string& fixture,
                     const std::string& c_compiler, const Setting& c, const std::string& rustc,
                     const Setting& rust);

// Sets a cell's key and its readable name from its target, fixture,
// compilers and settings.
void identify(Cell& cell);

} // namespace amx
