#include "check/properties.hpp"

#include "check/elf_file.hpp"

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

bool is_call(const Target& t, const Instruction& i) {
  return mnemonic_matches(t.call_mnemonics, mnemonic(i)) && (t.not_a_call.empty() || !contains(i.text, t.not_a_call));
}

} // namespace

RealElfReader::RealElfReader(const Tool& objdump, std::chrono::milliseconds timeout, Builder& builder,
                             std::vector<StepRecord>& steps)
    : m_objdump(objdump), m_timeout(timeout), m_builder(builder), m_steps(steps) {}

std::string RealElfReader::inspect(const Tool& tool, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.exe = tool.path;
  spec.args = std::move(args);
  spec.timeout = m_timeout;
  spec.output_cap = 64u << 20; // a disassembly is large, and it is ours
  auto ref = m_builder.inspect(Stage::check, tool.name, tool, spec);
  const auto& result = ref.built->record.result;
  if (!result.ok())
    throw FatalError(fmt::format("{} failed on {}: {}", tool.name, spec.args.back(),
                                 result.started ? first_error_line(result.output) : result.spawn_error));
  StepRecord rec = ref.records().front();
  rec.result.output = fmt::format("({} bytes of output read by the check stage)", result.output.size());
  m_steps.push_back(std::move(rec));
  return result.output;
}

std::set<std::string> RealElfReader::global_functions(const std::filesystem::path& file) {
  std::set<std::string> out;
  for (auto& part : read_elf_parts(file, file.filename().string()))
    out.merge(part.global_functions);
  return out;
}

std::map<std::string, FunctionSymbol> RealElfReader::function_symbols(const std::filesystem::path& file) {
  std::map<std::string, FunctionSymbol> out;
  for (auto& part : read_elf_parts(file, file.filename().string()))
    out.merge(part.functions);
  return out;
}

std::map<std::string, std::vector<Instruction>> RealElfReader::disassembly(const std::filesystem::path& file) {
  return amx::disassembly(inspect(m_objdump, {"-d", file.string()}));
}

std::map<std::string, std::set<std::string>> RealElfReader::gnu_features(const std::filesystem::path& file,
                                                                         const std::string& label) {
  // The file itself is listed even when it is an archive, whose members
  // carry the notes.
  std::map<std::string, std::set<std::string>> out = {{label, {}}};
  for (auto& part : read_elf_parts(file, label))
    out[part.label] = std::move(part.features);
  return out;
}

std::vector<std::uint64_t> RealElfReader::section_words(const std::filesystem::path& file, const std::string& section,
                                                        unsigned word_size) {
  auto bytes = read_elf_section(file, section);
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i + word_size <= bytes.size(); i += word_size) {
    std::uint64_t v = 0;
    for (unsigned b = 0; b < word_size; b++)
      v |= std::uint64_t(static_cast<unsigned char>(bytes[i + b])) << (8 * b);
    out.push_back(v);
  }
  return out;
}

std::vector<CheckResult> check_properties(const Cell& cell, const Setting& intended, const CheckInputs& in,
                                          ElfReader& reader) {
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
  std::optional<std::map<std::string, FunctionSymbol>> symbols;
  std::optional<std::map<std::string, std::vector<Instruction>>> code;
  auto symbol = [&](const std::string& fn) -> FunctionSymbol {
    if (!symbols)
      symbols = reader.function_symbols(in.program);
    auto it = symbols->find(fn);
    return it == symbols->end() ? FunctionSymbol{} : it->second;
  };
  auto address = [&](const std::string& fn) { return symbol(fn).address; };
  // The functions of each side that made it into the program: an archive
  // (the real core's) holds many the linker leaves out, with nothing to check.
  auto functions = [&]() -> const Sides& {
    if (!sides) {
      sides = Sides{reader.global_functions(in.c_fixture), reader.global_functions(in.rust_lib)};
      for (auto* side : {&sides->c, &sides->rust})
        std::erase_if(*side, [&](const std::string& fn) { return address(fn) == 0; });
    }
    return *sides;
  };
  // A function's own instructions: the padding the disassembler shows after
  // them (int3 on x86) is no part of it.
  auto instructions = [&](const std::string& fn) -> const std::vector<Instruction>& {
    if (!code) {
      code = reader.disassembly(in.program);
      for (auto& [name, is] : *code)
        if (auto s = symbol(name); s.size > 0)
          std::erase_if(is, [&](const Instruction& i) { return i.address >= s.address + s.size; });
    }
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
        notes->first.merge(reader.gnu_features(f, f.filename().string()));
      notes->second = reader.gnu_features(in.program, "program")["program"];
    }
    return *notes;
  };
  auto any = [&](const std::string& fn, const std::function<bool(const Instruction&)>& pred) {
    const auto& is = instructions(fn);
    return std::any_of(is.begin(), is.end(), pred);
  };
  const Target& target = *cell.target;
  auto is_non_leaf = [&](const std::string& fn) {
    return any(fn, [&](const Instruction& i) { return is_call(target, i); });
  };

  std::vector<CheckResult> out;
  for (const auto& [check, value] : active) {
    CheckResult r;
    r.property = check->property;
    r.flag = check->flag;
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
        return mnemonic_matches(target.landing_pads, mnemonic(is.front()));
      });
      if (bad)
        *bad += " start without " + target.landing_pad_name;
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
      bad = lacking(functions(), [&](const std::string& fn) {
        return !is_non_leaf(fn) || any(fn, [&](const Instruction& i) {
          return !target.scs_push.empty() && std::all_of(target.scs_push.begin(), target.scs_push.end(),
                                                         [&](const std::string& part) { return contains(i.text, part); });
        });
      });
      if (bad)
        *bad += fmt::format(" call other functions without pushing the return address through {}", target.scs_register);
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
    } else if (p == "frame-pointer") {
      // What the unwinder walks: every function that calls another keeps
      // its frame in the frame pointer register.
      bad = lacking(functions(), [&](const std::string& fn) {
        return !is_non_leaf(fn) || any(fn, [&](const Instruction& i) {
          return std::any_of(target.frame_setups.begin(), target.frame_setups.end(),
                             [&](const std::string& setup) { return contains(i.text, setup); });
        });
      });
      if (bad)
        *bad += " call other functions without setting up a frame pointer";
    } else if (p == "sls-int3") {
      // -mharden-sls=all: an int3 right after every return and indirect
      // jump stops the CPU from running on past them speculatively.
      static const std::regex indirect_jump(R"(^jmp[lq]?\s+\*)");
      bad = lacking(functions(), [&](const std::string& fn) {
        const auto& is = instructions(fn);
        for (std::size_t k = 0; k < is.size(); k++) {
          auto m = mnemonic(is[k]);
          bool guarded = m.starts_with("ret") || std::regex_search(is[k].text.substr(is[k].text.find(m)), indirect_jump);
          if (guarded && (k + 1 == is.size() || mnemonic(is[k + 1]) != "int3"))
            return false;
        }
        return true;
      });
      if (bad)
        *bad += " return or jump indirectly without an int3 after it";
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
      auto entries = reader.section_words(in.program, "__patchable_function_entries", target.pointer_bytes);
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

} // namespace amx
