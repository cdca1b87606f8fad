#pragma once
// A matrix as loaded: targets, compilers, fixtures, the flags it varies, how
// settings pair up, include/exclude rules and expectations.

#include "model/flag.hpp"
#include "model/setting.hpp"
#include "model/signature.hpp"
#include "model/target.hpp"
#include "model/verdict.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amx {

enum class Pairing { matched, c_only, rust_only, one_off, cross };
enum class Combine { each, product };
// How a matrix pairs a profile P: both sides P; for each flag f of P, the
// Rust side (or the C side) with P but f.
enum class ProfilePairing { matched, rust_drops_one, c_drops_one };

std::string to_string(Pairing p);
std::string to_string(ProfilePairing p);
std::optional<Pairing> parse_pairing(const std::string& s);
std::optional<ProfilePairing> parse_profile_pairing(const std::string& s);

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
  // Globs on a check's name or its test case: the rule owns only these
  // checks (each must fail, no other may); empty: the whole cell.
  std::vector<std::string> checks;
};

// An explicit extra pair of settings, for every cell its rule scope matches.
struct Include {
  Rule scope;
  Setting c, rust;
};

struct Timeouts {
  std::chrono::milliseconds compile{120'000};
  std::chrono::milliseconds link{60'000};
  std::chrono::milliseconds run{10'000};
  // One test case of the program (amx_case), which the program's runtime
  // kills when it runs longer, so that one hang leaves the others to run.
  std::chrono::milliseconds test_case{2'000};
};

// A property of the built objects and program that must hold when a flag is
// on: "check ibt-note when cf-protection is on". Kinds are in model/property.
struct PropertyCheck {
  std::string property;
  std::string flag;
  std::vector<std::string> values; // empty: any value but off
};

struct Fixture {
  std::string name;
  std::string description;
  std::vector<std::string> targets; // empty: every target
  // The test cases the program runs (amx_case), in order: one the output
  // never reaches is a check that did not run, not one that passed.
  std::vector<std::string> cases;
  // The flags whose mismatch the fixture can observe. Cells that set any
  // other flag are not generated: they would say nothing about it.
  std::vector<std::string> flags;
  std::vector<PropertyCheck> checks;
  // Hand-written: the two files. Generated: empty until the builder writes
  // the target's sources into the work folder.
  std::filesystem::path c_source, rust_source;
  // A fixture generated from a signature description: its sources and
  // cases per target name.
  std::optional<SignatureSpec> signatures;
  std::map<std::string, GeneratedSources> generated;

  // The cases the program runs on a target.
  const std::vector<std::string>& cases_on(const std::string& target) const;
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
  std::vector<RustTarget> rust_targets;             // in the order they are chosen
  std::vector<std::string> profiles;                // the profiles this matrix runs
  std::vector<ProfilePairing> profile_pairings;
  std::vector<Pairing> pairings;
  Combine combine = Combine::each;
  std::vector<Include> includes;
  std::vector<Rule> excludes;
  std::vector<Expectation> expectations;
  Timeouts timeouts;
  std::size_t output_cap = 1 << 20;
  // A matrix estimated to expand past this many cells is refused (max-cells).
  std::uint64_t max_cells = 1'000'000;

  // The flags the matrix varies, its profiles set (on either side) and its
  // include rules name, in that order.
  std::vector<const Flag*> flags_in_use() const;
};

} // namespace amx
