#include "report/bug_report.hpp"

#include "check/elf_facts.hpp"
#include "generate/values.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace amx {

namespace {

std::string way_text(const std::string& way) {
  if (way == "c_to_rust")
    return "C calls Rust";
  if (way == "rust_to_c")
    return "Rust calls C";
  if (way == "c_calls_rust_ptr")
    return "C calls Rust through a function pointer";
  if (way == "rust_calls_c_ptr")
    return "Rust calls C through a function pointer";
  if (way == "rust_returns")
    return "C calls Rust, which returns the value";
  return "Rust calls C, which returns the value";
}

// "clang-19 (Debian clang version 19.1.7)"; "rustc 1.95.0 (...)" as it says.
std::string tool_text(const Tool& t) {
  auto version = first_line(t.version);
  return version.starts_with(t.name) ? version : fmt::format("{} ({})", t.name, version);
}

// The variable run.sh names a command's tool by; none for the program
// itself, run without QEMU.
std::string tool_variable(const StandaloneCommand& c) {
  if (c.exe.is_relative())
    return "";
  return c.step == "compile-rust" ? "RUSTC" : c.step == "run" ? "QEMU" : "CC";
}

std::string command_line(const StandaloneCommand& c) {
  std::string line;
  for (const auto& e : c.env)
    line += e + " ";
  line += tool_variable(c).empty() ? shell_quote(c.exe.string()) : "\"$" + tool_variable(c) + "\"";
  for (const auto& a : c.args)
    line += " " + shell_quote(a);
  return line;
}

std::string fence(const std::string& lang, const std::string& text) {
  return fmt::format("```{}\n{}{}```\n", lang, text, text.ends_with('\n') || text.empty() ? "" : "\n");
}

// The instructions of `name` worth reading: the callee's first ones, the
// caller's up to and just past its last call (a tail call shows as the end).
std::string disassembly_of(const std::string& objdump, const std::string& name, const Target& t, bool caller) {
  auto fns = disassembly(objdump);
  auto it = fns.find(name);
  if (it == fns.end() || it->second.empty())
    return "(not in the program's disassembly)\n";
  const auto& ins = it->second;
  std::size_t from = 0, to = std::min<std::size_t>(ins.size(), 16);
  if (caller) {
    std::size_t last_call = ins.size() - 1;
    for (std::size_t i = 0; i < ins.size(); i++)
      if (mnemonic_matches(t.call_mnemonics, ins[i].text.substr(0, ins[i].text.find_first_of(" \t"))) &&
          (t.not_a_call.empty() || ins[i].text.find(t.not_a_call) == std::string::npos))
        last_call = i;
    to = std::min(ins.size(), last_call + 2);
    from = to > 16 ? to - 16 : 0;
  }
  std::string out = from ? "...\n" : "";
  for (std::size_t i = from; i < to; i++)
    out += fmt::format("{:8x}: {}\n", ins[i].address, ins[i].text);
  if (to < ins.size())
    out += "...\n";
  return out;
}

} // namespace

std::vector<std::string> reduced_source_about(const BugReport& r) {
  return {fmt::format("Reduced by abimatrix from cell {} ({}), run {}, check {}.", r.cell_key, r.cell_name, r.run,
                      r.check),
          fmt::format("{}: {} on {}. Build and run: sh run.sh", way_text(r.call.way), describe(r.wanted), r.target->name)};
}

std::string render_run_script(const BugReport& r) {
  std::string out = "#!/bin/sh\n";
  for (const auto& line : reduced_source_about(r))
    out += "# " + line + "\n";
  out += "# Exits 1 when a check fails. Any tool can be swapped: RUSTC=/path/to/rustc sh run.sh\nset -e\n"
         "cd \"$(dirname \"$0\")\"\n";
  std::set<std::string> named;
  for (const auto& c : r.commands)
    if (!tool_variable(c).empty() && named.insert(tool_variable(c)).second)
      out += fmt::format("{0}=${{{0}:-{1}}}\n", tool_variable(c), shell_quote(c.exe.string()));
  for (std::size_t i = 0; i < r.commands.size(); i++)
    out += (i + 1 == r.commands.size() ? "exec " : "") + command_line(r.commands[i]) + "\n";
  return out;
}

std::string render_bug_report(const BugReport& r) {
  const bool c_calls = r.call.c_calls();
  const auto caller = c_calls ? "C, " + tool_text(r.cc) : "Rust, " + tool_text(r.rustc);
  const auto callee = c_calls ? "Rust, " + tool_text(r.rustc) : "C, " + tool_text(r.cc);
  ValueWriter values(r.call.structs, r.target->pointer_bytes);
  std::vector<std::string> params;
  for (const auto& [name, type] : r.call.params)
    params.push_back(name + ": " + values.rust_type(type));
  const auto signature = fmt::format("fn({}){}", join(params, ", "),
                                     r.call.returns.empty() ? "" : " -> " + values.rust_type(r.call.returns));

  std::string out = fmt::format("# {}: {} between {} and {}\n\n", r.target->name, describe(r.wanted),
                                tool_text(r.cc), tool_text(r.rustc));
  out += fmt::format("{} (`extern \"C\" {}`).\n", way_text(r.call.way), signature);
  auto v = r.observation.values.find(r.wanted.check);
  if (r.wanted.check.empty() || v == r.observation.values.end()) {
    out += fmt::format("Expected: the call returns and the program checks what arrived. Received: {}.\n",
                       r.observation.signal ? "it dies by " + signal_name(r.observation.signal)
                       : r.observation.timed_out ? std::string("it hangs")
                                                 : first_line(r.observation.output));
  } else {
    out += fmt::format("`{}`: expected `{:#018x}`, received `{:#018x}`.\n", r.wanted.check, v->second.first,
                       v->second.second);
    for (const auto& value : values.leaves_of(r.call))
      for (const auto& l : value)
        if (l.path == r.wanted.check)
          if (auto blame = psabi_blame(*r.target, *l.type, v->second.first, v->second.second, caller, callee);
              !blame.empty())
            out += "\n" + blame + "\n";
  }

  out += "\n| | |\n|---|---|\n";
  out += fmt::format("| target | {} |\n", r.target->name);
  out += fmt::format("| caller | {} |\n| callee | {} |\n", caller, callee);
  out += fmt::format("| runs under | {} |\n", tool_text(r.runner));
  out += fmt::format("| settings | C `{}`, Rust `{}`{} |\n", r.c_setting, r.rust_setting,
                     r.kept_flags.empty() ? "" : "; the difference needed: " + join(r.kept_flags, ", "));
  out += fmt::format("| found by | abimatrix cell `{}` ({}), run {}, check `{}`; reduced in {} builds |\n",
                     r.cell_key, r.cell_name, r.run, r.check, r.tries);

  out += "\n## Program\n\n" + fence("c", r.sources.c) + "\n" + fence("rust", r.sources.rust);
  out += "\n## Commands (run.sh)\n\n" + fence("sh", render_run_script(r));
  out += "\n## Output\n\n" + fence("", r.observation.output);
  out += fmt::format("\n## Disassembly\n\ncaller ({}):\n\n", caller) +
         fence("", disassembly_of(r.objdump, "caller", *r.target, true));
  out += fmt::format("\ncallee ({}):\n\n", callee) + fence("", disassembly_of(r.objdump, "callee", *r.target, false));
  return out;
}

} // namespace amx
