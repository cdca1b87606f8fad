#pragma once
// The targets abimatrix knows: each tool's name for them, and the facts of
// each architecture the checks read (one table, as mold keeps arch-*.cc).

#include <string>
#include <vector>

namespace amx {

struct Target {
  std::string name;
  std::string rust_triple;
  std::string clang_triple;
  std::string gcc_prefix;
  std::string qemu;
  std::vector<std::string> qemu_args;

  // What the property checks read in a disassembly.
  unsigned pointer_bytes = 8;
  // Mnemonics of a call; an entry ending in '*' matches as a prefix.
  std::vector<std::string> call_mnemonics;
  // A call whose text names this is a jump that returns nowhere (riscv64's
  // "jalr zero, ..." is a return or a tail jump).
  std::string not_a_call;
  // The first instruction of a function that an indirect branch may reach.
  std::vector<std::string> landing_pads;
  std::string landing_pad_name; // for messages: "endbr64", "bti c"
  // Every one of these is in the instruction that pushes the return address
  // on the shadow call stack; empty where there is none.
  std::vector<std::string> scs_push;
  std::string scs_register;

  // The argument registers of its C calling convention, which a generated
  // fixture must fill and pass (i386: the most regparm asks for). Where
  // floats_to_int_registers, floats go on in integer registers once the
  // float ones are full (riscv64's LP64D).
  unsigned int_arg_registers = 0, float_arg_registers = 0;
  bool floats_to_int_registers = false;
  // Any of these sets up the frame pointer ("movq %rsp, %rbp", "mov x29, sp").
  std::vector<std::string> frame_setups;
  // Who widens an integer argument narrower than a register, by the
  // psABI's own words (riscv64: the caller, "when passed in registers or on
  // the stack"; the others leave the upper bits unspecified, so a callee
  // that reads them deviates), for a bug report to say which side is wrong.
  bool caller_extends = false;
  std::string psabi; // the document that says so
  // uname's machine of a host that runs the programs itself, without QEMU:
  // x86_64 only. An x86_64 host may lack i386 emulation, and whether an
  // aarch64 host enforces BTI and PAC depends on its CPU, where QEMU's
  // -cpu max always does: results must not depend on the host.
  std::string host_machine;
};

const std::vector<Target>& known_targets();
std::vector<std::string> known_target_names();
const Target* find_target(const std::string& name);

// Whether a mnemonic is one of `patterns` ("call*" matches "callq").
bool mnemonic_matches(const std::vector<std::string>& patterns, const std::string& mnemonic);

} // namespace amx
