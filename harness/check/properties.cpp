#include "check/properties.hpp"

#include "check/elf_facts.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <regex>

namespace amx {

namespace {

// property -> the GNU property feature it reads, for the note checks.
const std::map<std::string, std::string> kNoteFeatures = {
    {"ibt-note", "IBT"}, {"shstk-note", "SHSTK"}, {"bti-note", "BTI"}, {"pac-note", "PAC"}};

const std::vector<std::string> kCodeProperties = {"landing-pads",       "pac-ret",          "no-indirect-branch",
                                                  "thunk-returns",      "cs-prefix",        "patchable-entries",
                                                  "function-alignment", "shadow-call-stack"};

// Symbols that are not functions of the fixture: the thunks (the one place
// raw branches must stay), and the __cfi_NAME symbols KCFI puts on the type
// hash before each function when it is combined with patchable entries.
bool is_helper(const std::string& name) {
  return name.starts_with("__x86_indirect_thunk_") || name.starts_with("__x86_return_thunk") ||
         name.starts_with("__llvm_retpoline_") || name.starts_with("__cfi_");
}

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// "  c: f, g; rust: h" for the functions of each side that fail a test.
struct Sides {
  std::set<std::string> c, rust;
};

std::optional<std::string> lacking(const Sides& sides, const std::function<bool(const std::string&)>& ok) {
  std::vector<std::string> parts;
  for (auto [label, names] : {std::pair{"c", &sides.c}, {"rust", &sides.rust}}) {
    std::vector<std::string> bad;
    for (const auto& n : *names)
      if (!is_helper(n) && !ok(n))
        bad.push_back(n);
    if (!bad.empty()) {
      std::size_t total = std::count_if(names->begin(), names->end(), [](auto& n) { return !is_helper(n); });
      parts.push_back(fmt::format("{} {} of {} ({})", label, bad.size(), total, join(bad, ", ")));
    }
  }
  if (parts.empty())
    return std::nullopt;
  return join(parts, "; ");
}

std::string mnemonic(const Instruction& i) {
  auto w = split_words(i.text);
  if (w.size() > 1 && (w[0] == "cs" || w[0] == "notrack" || w[0] == "rep" || w[0] == "bnd"))
    return w[1];
  return w.empty() ? "" : w[0];
}

bool is_call(const std::string& target, const Instruction& i) {
  auto m = mnemonic(i);
  if (target == "aarch64")
    return m == "bl" || m == "blr" || m == "blraa" || m == "blraaz";
  if (target == "riscv64")
    return (m == "jal" || m == "jalr" || m == "call") && !contains(i.text, "zero");
  return m.starts_with("call");
}

} // namespace

const std::vector<std::string>& known_properties() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const auto& [p, _] : kNoteFeatures)
      v.push_back(p);
    v.insert(v.end(), kCodeProperties.begin(), kCodeProperties.end());
    return v;
  }();
  return all;
}

bool is_known_property(const std::string& property) {
  const auto& all = known_properties();
  return std::find(all.begin(), all.end(), property) != all.end();
}

Setting intended_setting(const Cell& cell) {
  Setting s = cell.rust;
  for (const auto& [flag, value] : cell.c)
    s[flag] = value;
  return s;
}

PropertyChecker::PropertyChecker(const Tool& readelf, const Tool& objdump, const Matrix& m)
    : m_readelf(readelf), m_objdump(objdump), m_matrix(m) {}

std::string PropertyChecker::inspect(const Tool& tool, std::vector<std::string> args,
                                     std::vector<StepRecord>& steps) const {
  ProcessSpec spec;
  spec.exe = tool.path;
  spec.args = std::move(args);
  spec.timeout = m_matrix.timeouts.link;
  spec.output_cap = 64u << 20; // a disassembly is large, and it is ours
  auto rec = run_step(Stage::check, tool.name, spec);
  if (!rec.result.ok())
    throw FatalError(fmt::format("{} failed on {}: {}", tool.name, spec.args.back(),
                                 rec.result.started ? first_error_line(rec.result.output) : rec.result.spawn_error));
  std::string out = std::move(rec.result.output);
  rec.result.output = fmt::format("({} bytes of output read by the check stage)", out.size());
  steps.push_back(std::move(rec));
  return out;
}

std::vector<CheckResult> PropertyChecker::run(const Cell& cell, const CheckInputs& in,
                                              std::vector<StepRecord>& steps) const {
  const Setting intended = intended_setting(cell);
  std::vector<std::pair<const PropertyCheck*, std::string>> active; // check, flag value
  for (const auto& c : cell.fixture->checks) {
    auto it = intended.find(c.flag);
    if (it != intended.end() && (c.values.empty() || std::count(c.values.begin(), c.values.end(), it->second)))
      active.emplace_back(&c, it->second);
  }
  if (active.empty())
    return {};

  // Read each fact once, and only if a check needs it.
  std::optional<Sides> sides;
  std::optional<std::map<std::string, std::uint64_t>> addresses;
  std::optional<std::map<std::string, std::vector<Instruction>>> code;
  auto address = [&](const std::string& fn) -> std::uint64_t {
    if (!addresses)
      addresses = function_addresses(inspect(m_readelf, {"--syms", "--wide", in.program.string()}, steps));
    auto it = addresses->find(fn);
    return it == addresses->end() ? 0 : it->second;
  };
  // The functions of each side that made it into the program: an archive
  // (the real core's) holds many the linker leaves out, with nothing to check.
  auto functions = [&]() -> const Sides& {
    if (!sides) {
      sides = Sides{global_functions(inspect(m_readelf, {"--syms", "--wide", in.c_fixture.string()}, steps)),
                    global_functions(inspect(m_readelf, {"--syms", "--wide", in.rust_lib.string()}, steps))};
      for (auto* side : {&sides->c, &sides->rust})
        std::erase_if(*side, [&](const std::string& fn) { return address(fn) == 0; });
    }
    return *sides;
  };
  auto instructions = [&](const std::string& fn) -> const std::vector<Instruction>& {
    if (!code)
      code = disassembly(inspect(m_objdump, {"-d", in.program.string()}, steps));
    static const std::vector<Instruction> none;
    auto it = code->find(fn);
    return it == code->end() ? none : it->second;
  };
  // GNU property features of every input (archive members each) and of
  // the program, read once for all the note checks.
  using Features = std::map<std::string, std::set<std::string>>;
  std::optional<std::pair<Features, std::set<std::string>>> notes;
  auto features = [&]() -> const std::pair<Features, std::set<std::string>>& {
    if (!notes) {
      notes.emplace();
      for (const auto& f : {in.c_runtime, in.c_fixture, in.rust_lib})
        notes->first.merge(gnu_features(inspect(m_readelf, {"-n", f.string()}, steps), f.filename().string()));
      notes->second = gnu_features(inspect(m_readelf, {"-n", in.program.string()}, steps), "program")["program"];
    }
    return *notes;
  };
  auto any = [&](const std::string& fn, const std::function<bool(const Instruction&)>& pred) {
    const auto& is = instructions(fn);
    return std::any_of(is.begin(), is.end(), pred);
  };
  const std::string& target = cell.target->name;
  auto is_non_leaf = [&](const std::string& fn) {
    return any(fn, [&](const Instruction& i) { return is_call(target, i); });
  };

  std::vector<CheckResult> out;
  for (const auto& [check, value] : active) {
    CheckResult r{check->property, check->flag, true, ""};
    const std::string& p = check->property;
    std::optional<std::string> bad;
    if (auto nf = kNoteFeatures.find(p); nf != kNoteFeatures.end()) {
      const std::string& feature = nf->second;
      const auto& [inputs, prog] = features();
      std::vector<std::string> without;
      for (const auto& [file, has] : inputs)
        if (!has.count(feature) && !file.ends_with(".rmeta") && !file.ends_with(".a"))
          without.push_back(file);
      bool in_program = prog.count(feature) > 0;
      if (!in_program)
        bad = without.empty() ? fmt::format("the program has no {} property, though every input has it", feature)
                              : fmt::format("the linker dropped {} from the program: {} lack{} it", feature,
                                            join(without, ", "), without.size() > 1 ? "" : "s");
      else if (!without.empty())
        bad = fmt::format("{} lack {} but the program claims it", join(without, ", "), feature);
    } else if (p == "landing-pads") {
      bad = lacking(functions(), [&](const std::string& fn) {
        const auto& is = instructions(fn);
        if (is.empty())
          return false;
        auto m = mnemonic(is.front());
        return target == "x86_64" || target == "i386" ? m.starts_with("endbr")
                                                      : (contains(is.front().text, "bti") || m == "paciasp" || m == "pacibsp");
      });
      if (bad)
        *bad += target == "aarch64" ? " start without bti c" : " start without endbr64";
    } else if (p == "pac-ret") {
      bad = lacking(functions(), [&](const std::string& fn) {
        return !is_non_leaf(fn) || any(fn, [](const Instruction& i) { return contains(i.text, "paci"); });
      });
      if (bad)
        *bad += " call other functions without signing the return address (no paciasp)";
    } else if (p == "shadow-call-stack") {
      // The push itself: "str x30, [x18], #0x8" or "sd ra, 0x0(gp)". Any
      // use of the register is not enough: code without the flag may
      // allocate x18, and gp-relative loads are ordinary on riscv64.
      const char* reg = target == "aarch64" ? "x18" : "gp";
      bad = lacking(functions(), [&](const std::string& fn) {
        return !is_non_leaf(fn) || any(fn, [&](const Instruction& i) {
          return target == "aarch64" ? contains(i.text, "x30, [x18]")
                                     : contains(i.text, "ra, ") && contains(i.text, "(gp)");
        });
      });
      if (bad)
        *bad += fmt::format(" call other functions without pushing the return address through {}", reg);
    } else if (p == "no-indirect-branch") {
      static const std::regex raw(R"(^(call|jmp)[lq]?\s+\*)");
      bad = lacking(functions(), [&](const std::string& fn) {
        return !any(fn, [](const Instruction& i) {
          auto m = mnemonic(i);
          return std::regex_search(i.text.substr(i.text.find(m)), raw);
        });
      });
      if (bad)
        *bad += " keep a raw indirect call or jump";
    } else if (p == "thunk-returns") {
      bad = lacking(functions(), [&](const std::string& fn) {
        return !any(fn, [](const Instruction& i) { return mnemonic(i).starts_with("ret"); });
      });
      if (bad)
        *bad += " return with a raw ret instead of jumping to __x86_return_thunk";
    } else if (p == "cs-prefix") {
      // The prefix pads a branch to the thunk of r8..r15 to the 6 bytes of
      // "lfence; call *%r8", which the kernel rewrites it to; the others
      // fit in 5 bytes without it, and gcc leaves them unprefixed.
      static const std::regex extended(R"(<__x86_indirect_thunk_r([89]|1[0-5])>)");
      bad = lacking(functions(), [&](const std::string& fn) {
        return !any(fn, [](const Instruction& i) {
          return std::regex_search(i.text, extended) && !i.bytes.starts_with("2e ");
        });
      });
      if (bad)
        *bad += " branch to __x86_indirect_thunk_r8..r15 without a cs prefix";
    } else if (p == "patchable-entries") {
      // Each entry is the address of a function's first NOP, which lies
      // M NOPs before the symbol (a NOP is at most 4 bytes).
      unsigned word = target == "i386" ? 4 : 8;
      auto entries = section_words(inspect(m_readelf, {"-x", "__patchable_function_entries", in.program.string()}, steps), word);
      unsigned long before = 0;
      if (auto comma = value.find(','); comma != std::string::npos)
        before = std::stoul(value.substr(comma + 1));
      bad = lacking(functions(), [&](const std::string& fn) {
        std::uint64_t a = address(fn);
        return std::any_of(entries.begin(), entries.end(), [&](std::uint64_t e) { return e <= a && a - e <= 4 * before; });
      });
      if (bad)
        *bad += " are missing from __patchable_function_entries";
    } else if (p == "function-alignment") {
      std::uint64_t align = std::stoull(value);
      bad = lacking(functions(), [&](const std::string& fn) { return address(fn) % align == 0; });
      if (bad)
        *bad += fmt::format(" are not aligned to {} bytes", align);
    }
    if (bad) {
      r.held = false;
      r.detail = *bad;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<CheckResult> run_properties(const std::string& output) {
  std::vector<CheckResult> out;
  for (const auto& line : split_lines(output)) {
    if (!line.starts_with("prop "))
      continue;
    auto w = split_words(line);
    if (w.size() < 3)
      continue;
    CheckResult r{w[1], "", w[2] == "held", ""};
    if (!r.held) {
      auto at = line.find(" lost ");
      r.detail = at == std::string::npos ? "" : line.substr(at + 6);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Outcome judge_checks(const std::vector<CheckResult>& checks) {
  auto first = std::find_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.held; });
  if (first == checks.end())
    return {};
  auto lost = std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.held; });
  return {false, Stage::check,
          fmt::format("{} lost: {}{}", first->property, first->detail,
                      lost > 1 ? fmt::format(" (+{} more)", lost - 1) : "")};
}

} // namespace amx
