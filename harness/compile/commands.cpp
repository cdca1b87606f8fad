#include "compile/commands.hpp"

#include <filesystem>

namespace amx {

// Freestanding and static: no libc, no PIE, no stack protector (it needs
// libc's guard), so only the flags under test shape the ABI.
std::vector<std::string> c_base_args(const CCompiler& cc, const Target& t) {
  std::vector<std::string> args;
  if (cc.family == Family::clang)
    args.push_back("--target=" + t.clang_triple);
  for (auto a : {"-O2", "-ffreestanding", "-fno-pie", "-fno-stack-protector", "-fno-asynchronous-unwind-tables"})
    args.emplace_back(a);
  return args;
}

std::vector<std::string> link_driver_args(const CCompiler& cc, const Target& t) {
  std::vector<std::string> args;
  if (cc.family == Family::clang) {
    args.push_back("--target=" + t.clang_triple);
    args.push_back("-fuse-ld=lld");
  }
  args.push_back("-static");
  args.push_back("-nostdlib");
  return args;
}

std::vector<std::string> program_command(const Tool& runner, const Target& t, const std::string& program) {
  if (runner.role == "native")
    return {program};
  std::vector<std::string> argv = {runner.path.string()};
  argv.insert(argv.end(), t.qemu_args.begin(), t.qemu_args.end());
  argv.push_back(program);
  return argv;
}

std::string rust_triple(const std::vector<std::string>& args) {
  std::string triple;
  for (const auto& a : args)
    if (a.starts_with("--target="))
      triple = a.substr(9);
  return triple;
}

std::string rust_target_name(const std::vector<std::string>& args) {
  std::filesystem::path target = rust_triple(args);
  return target.extension() == ".json" ? target.stem().string() : target.string();
}

// A setting may choose the Rust target itself (riscv64imac for soft-float):
// then its --target replaces the default one, which rustc would refuse twice.
std::vector<std::string> rust_args(const std::string& crate_type, const std::string& crate_name, const Target& t,
                                   const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"--edition=2024", "--crate-type=" + crate_type, "--crate-name=" + crate_name,
                                   "-Copt-level=2", "-Cpanic=abort", "-Cdebuginfo=0"};
  if (rust_triple(flags).empty())
    args.push_back("--target=" + t.rust_triple);
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

} // namespace amx
