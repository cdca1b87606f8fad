#pragma once
// A fixture generated from a signature description (model/signature): the
// C file, the Rust file and the cases of one target, deterministic, so the
// same description makes the same bytes (and the same content hash) on
// every run.
//
// Each function shape is called both ways, each call a case of its own:
//   c_to_rust.F     C calls Rust's sig_rs_F, which stores what it received
//                   in sig_seen_F (a C global of the same layout); C checks.
//   rust_to_c.F     Rust calls C's sig_c_F with constants; C checks.
//   rust_returns.F  C calls Rust's sig_rs_F, which returns a constant.
//   c_returns.F     Rust calls C's sig_c_F and stores the result; C checks.
//   c_calls_rust_ptr.F / rust_calls_c_ptr.F: the same through a function
//                   pointer the other side handed over.
// A check is named DIRECTION.F.aN[.FIELD...] and compares one scalar leaf.
// Every leaf gets its own value: each byte has its high bit set and differs
// from position to position, so truncation, a missing sign or zero
// extension, swapped halves and shifted stack slots all show.

#include "model/signature.hpp"
#include "model/target.hpp"

#include <optional>
#include <string>
#include <vector>

namespace amx {

// What `fixture` (the crate and file name) is on `target`; 128-bit types
// only where the target is 64-bit, since C has none on i386.
GeneratedSources generate_sources(const std::string& fixture, const SignatureSpec& spec, const Target& target);

// The types of each argument of each function the description makes, by
// function name ("args_u8": u8 x 20): what a test counts positions from.
struct GeneratedFunction {
  std::string name;
  std::vector<std::string> params; // scalar or struct names
  std::string returns;             // "" for none
};
std::vector<GeneratedFunction> generated_functions(const SignatureSpec& spec, const Target& target);

// The call a case of the fixture makes ("rust_to_c.args_i16"), with the
// values the fixture passes; nullopt for a case it does not have.
std::optional<Call> generated_call(const SignatureSpec& spec, const Target& target, const std::string& case_name);

} // namespace amx
