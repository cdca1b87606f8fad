#include "generate/standalone_source.hpp"

#include "generate/values.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace amx {

namespace {

// A system call through register variables: the number in `nr`, the
// arguments in r0..r2, the result in r0.
std::string register_call(const char* trap, const char* nr, const char* r0, const char* r1, const char* r2) {
  return fmt::format("    register long {1} __asm__(\"{1}\") = n, {2} __asm__(\"{2}\") = a, {3} __asm__(\"{3}\") = b, "
                     "{4} __asm__(\"{4}\") = c;\n"
                     "    __asm__ volatile(\"{0}\" : \"+r\"({2}) : \"r\"({1}), \"r\"({3}), \"r\"({4}) : \"memory\");\n"
                     "    return {2};\n",
                     trap, nr, r0, r1, r2);
}

// Start-up and the write and exit system calls, per target. i386 and
// x86_64 align the stack for the C side; riscv64 sets gp up for GNU ld,
// which relaxes against it.
std::string startup_c(const Target& t) {
  struct Startup {
    const char* target;
    const char* start;
    std::string call;
    int write, exit;
  };
  static const std::vector<Startup> all = {
      {"x86_64", "and $-16, %rsp\\n  call start\\n  hlt",
       "    long r;\n    __asm__ volatile(\"syscall\" : \"=a\"(r) : \"a\"(n), \"D\"(a), \"S\"(b), \"d\"(c) : "
       "\"rcx\", \"r11\", \"memory\");\n    return r;\n",
       1, 60},
      {"i386", "and $-16, %esp\\n  call start\\n  hlt",
       "    long r;\n    __asm__ volatile(\"int $0x80\" : \"=a\"(r) : \"a\"(n), \"b\"(a), \"c\"(b), \"d\"(c) : "
       "\"memory\");\n    return r;\n",
       4, 1},
      {"aarch64", "bl start\\n  brk #0", register_call("svc 0", "x8", "x0", "x1", "x2"), 64, 93},
      {"riscv64", ".option push\\n  .option norelax\\n  la gp, __global_pointer$\\n  .option pop\\n  call start\\n  unimp",
       register_call("ecall", "a7", "a0", "a1", "a2"), 64, 93},
  };
  for (const auto& s : all)
    if (t.name == s.target)
      return fmt::format("__asm__(\".globl _start\\n_start:\\n  {}\");\n"
                         "enum {{ SYS_WRITE = {}, SYS_EXIT = {} }};\n"
                         "static long sys(long n, long a, long b, long c)\n{{\n{}}}\n",
                         s.start, s.write, s.exit, s.call);
  throw FatalError(fmt::format("no start-up code for target {}", t.name));
}

constexpr const char* kPrinter =
    "static int failed;\n"
    "static char *put(char *p, const char *s) { while (*s) *p++ = *s++; return p; }\n"
    "static char *hex(char *p, uint64_t v) { for (int i = 60; i >= 0; i -= 4) *p++ = \"0123456789abcdef\"[v >> i & "
    "15]; return p; }\n"
    "static char line[128]; /* not on a stack a wrong call may have shifted */\n"
    "static void check(const char *name, uint64_t want, uint64_t got)\n{\n"
    "    char *p = put(put(line, want == got ? \"ok \" : \"fail \"), name);\n"
    "    p = hex(put(hex(put(p, \" expected=0x\"), want), \" got=0x\"), got);\n"
    "    *p++ = '\\n';\n"
    "    sys(SYS_WRITE, 1, (long)line, p - line);\n"
    "    failed |= want != got;\n}\n";

// Compilers call memcpy for struct copies; volatile keeps this one from
// becoming a call to itself.
constexpr const char* kMemcpy =
    "void *memcpy(void *d, const void *s, __SIZE_TYPE__ n) "
    "{ volatile char *o = d; const volatile char *i = s; while (n--) *o++ = *i++; return d; }\n";

class Writer {
public:
  Writer(const Call& call, const Target& t, std::string only)
      : m_call(call), m_values(call.structs, t.pointer_bytes), m_leaves(m_values.leaves_of(call)),
        m_only(std::move(only)) {}

  StandaloneSources write(const Target& t, const std::vector<std::string>& about) const {
    bool f32 = false, f64 = false, structs = !m_call.structs.empty();
    for (const auto& ls : m_leaves)
      for (const auto& l : ls) {
        f32 |= l.type->name == "f32";
        f64 |= l.type->name == "f64";
      }
    const bool floats = f32 || f64;

    std::string c = "/*\n";
    for (const auto& line : about)
      c += line.empty() ? " *\n" : " * " + line + "\n";
    c += " */\n#include <stdint.h>\n" + startup_c(t) + kPrinter;
    if (floats || structs)
      c += kMemcpy;
    if (floats)
      c += float_helpers_c(f32, f64, t.name == "aarch64", false);
    std::string rust;
    for (const auto& line : about)
      rust += line.empty() ? "//\n" : "// " + line + "\n";
    rust += "#![feature(no_core, lang_items)]\n#![no_core]\n"
            "#![allow(internal_features, non_upper_case_globals, unused_parens, improper_ctypes, improper_ctypes_definitions)]\n"
            "#[lang = \"pointee_sized\"] trait PointeeSized {}\n"
            "#[lang = \"meta_sized\"] trait MetaSized: PointeeSized {}\n"
            "#[lang = \"sized\"] trait Sized: MetaSized {}\n"
            "#[lang = \"copy\"] trait Copy {}\n";
    // A union's fields must be Copy.
    if (floats)
      rust += std::string(f32 ? "impl Copy for u32 {} impl Copy for f32 {}\n" : "") +
              (f64 ? "impl Copy for u64 {} impl Copy for f64 {}\n" : "") + float_unions_rust(f32, f64);
    for (const auto& s : m_call.structs) {
      c += m_values.c_definition(s);
      rust += m_values.rust_definition(s);
    }
    call(c, rust);
    return {c, rust};
  }

private:
  std::string checks(const std::vector<Leaf>& ls, const std::string& below) const {
    std::string out;
    for (const auto& l : ls)
      for (const auto& c : m_values.compare(l, below + l.path))
        if (m_only.empty() || m_only == l.path + c.suffix)
          out += fmt::format("    check(\"{}{}\", {}, {});\n", l.path, c.suffix, c.expected, c.got);
    return out;
  }

  void call(std::string& c, std::string& rust) const {
    std::vector<std::string> cparams, rparams, rtypes, rnames, cvals, rvals;
    for (std::size_t i = 0; i < m_call.params.size(); i++) {
      const auto& [name, type] = m_call.params[i];
      cparams.push_back(m_values.c_type(type) + " " + name);
      rparams.push_back(name + ": " + m_values.rust_type(type));
      rtypes.push_back(m_values.rust_type(type));
      rnames.push_back(name);
      cvals.push_back(m_values.value(type, m_leaves[i], false));
      rvals.push_back(m_values.value(type, m_leaves[i], true));
    }
    const auto cp = cparams.empty() ? std::string("void") : fmt::format("{}", fmt::join(cparams, ", "));
    const auto rp = fmt::format("{}", fmt::join(rparams, ", "));
    const auto cv = fmt::format("{}", fmt::join(cvals, ", "));
    const auto rv = fmt::format("{}", fmt::join(rvals, ", "));
    const auto fn_type = fmt::format("extern \"C\" fn({})", fmt::join(rtypes, ", "));
    const auto& w = m_call.way;
    const std::string exit = "    sys(SYS_EXIT, failed, 0, 0);\n}\n";
    const std::string no_mangle = "#[unsafe(no_mangle)]\npub extern \"C\" fn ";

    if (w == "c_to_rust" || w == "c_calls_rust_ptr") {
      // Rust stores what arrived in a C global; C checks it.
      c += fmt::format("struct seen {{ {}; }} seen;\n", fmt::join(cparams, "; "));
      rust += fmt::format("#[repr(C)] pub struct Seen {{ {} }}\nunsafe extern \"C\" {{ static mut seen: Seen; }}\n", rp);
      rust += fmt::format("{}callee({}) {{ unsafe {{ seen = Seen {{ {} }}; }} }}\n", no_mangle, rp,
                          fmt::join(rnames, ", "));
      if (w == "c_to_rust") {
        c += fmt::format("void callee({});\nvoid caller(void) {{ callee({}); }}\n", cp, cv);
      } else {
        c += fmt::format("void (*callee_pointer(void))({});\nvoid caller(void) {{ callee_pointer()({}); }}\n", cp, cv);
        rust += fmt::format("{}callee_pointer() -> {} {{ callee }}\n", no_mangle, fn_type);
      }
      c += "void start(void)\n{\n    caller();\n" + checks_of_params("seen.") + exit;
    } else if (w == "rust_to_c" || w == "rust_calls_c_ptr") {
      // C checks what arrived where it arrives.
      c += fmt::format("void callee({})\n{{\n{}}}\n", cp, checks_of_params(""));
      if (w == "rust_to_c") {
        c += "void caller(void);\nvoid start(void)\n{\n    caller();\n" + exit;
        rust += fmt::format("unsafe extern \"C\" {{ fn callee({}); }}\n{}caller() {{ unsafe {{ callee({}); }} }}\n", rp,
                            no_mangle, rv);
      } else {
        c += fmt::format("void caller(void (*f)({}));\nvoid start(void)\n{{\n    caller(callee);\n", cp) + exit;
        rust += fmt::format("{}caller(f: {}) {{ f({}); }}\n", no_mangle, fn_type, rv);
      }
    } else if (w == "rust_returns") {
      const auto ct = m_values.c_type(m_call.returns);
      c += fmt::format("{0} callee(void);\n{0} r;\nvoid caller(void) {{ r = callee(); }}\n", ct);
      c += "void start(void)\n{\n    caller();\n" + checks(m_leaves.back(), "") + exit;
      rust += fmt::format("{}callee() -> {} {{ {} }}\n", no_mangle, m_values.rust_type(m_call.returns),
                          m_values.value(m_call.returns, m_leaves.back(), true));
    } else if (w == "c_returns") {
      const auto ct = m_values.c_type(m_call.returns), rt = m_values.rust_type(m_call.returns);
      c += fmt::format("{0} callee(void) {{ return {1}; }}\nstruct seen {{ {0} r; }} seen;\nvoid caller(void);\n", ct,
                       m_values.value(m_call.returns, m_leaves.back(), false));
      c += "void start(void)\n{\n    caller();\n" + checks(m_leaves.back(), "seen.") + exit;
      rust += fmt::format("#[repr(C)] pub struct Seen {{ r: {0} }}\n"
                          "unsafe extern \"C\" {{ static mut seen: Seen; fn callee() -> {0}; }}\n"
                          "{1}caller() {{ unsafe {{ seen = Seen {{ r: callee() }}; }} }}\n",
                          rt, no_mangle);
    } else {
      throw FatalError(fmt::format("a call of unknown way '{}'", w));
    }
  }

  std::string checks_of_params(const std::string& below) const {
    std::string out;
    for (std::size_t i = 0; i < m_call.params.size(); i++)
      out += checks(m_leaves[i], below);
    return out;
  }

  const Call& m_call;
  ValueWriter m_values;
  std::vector<std::vector<Leaf>> m_leaves; // per parameter, then the return value's
  std::string m_only;
};

} // namespace

StandaloneSources standalone_sources(const Call& call, const Target& target, const std::vector<std::string>& about,
                                     const std::string& only) {
  return Writer(call, target, only).write(target, about);
}

} // namespace amx
