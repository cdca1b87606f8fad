#include "report/reproducer.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace amx {

namespace fs = std::filesystem;

namespace {

// The helpers every script starts with. finish() prints the outcome next to
// the recorded one and exits 0 for a pass, 1 for a failure.
constexpr const char* kHelpers = R"sh(
finish() {
  echo "outcome:  $1"
  echo "recorded: $recorded"
  if [ "${1%%:*}" = "${recorded%%:*}" ]; then
    echo "same outcome as recorded"
  else
    echo "DIFFERENT from the recorded outcome"
  fi
  [ "$1" = pass ]
  exit $?
}

# How an exit status reads: "exit code 1", "killed by SIGILL".
status() {
  if [ "$1" -gt 128 ]; then echo "killed by SIG$(kill -l $(($1 - 128)))"; else echo "exit code $1"; fi
}

# step STAGE DIR COMMAND...: one compile or link, in DIR; a failure ends it.
step() {
  local stage=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  echo "+ $*"
  (cd "$dir" && "$@") >"$W/step.out" 2>&1
  local rc=$?
  cat "$W/step.out"
  [ "$rc" -eq 0 ] || finish "fail at $stage: $(status "$rc"): $(grep -im1 error "$W/step.out" || head -n 1 "$W/step.out")"
}

# run_program DIR COMMAND...: the program under QEMU, judged as the harness
# judges it: "fail NAME expected=E got=G" lines, its exit, a closing "done",
# then the "prop NAME lost DETAIL" lines of the check stage.
run_program() {
  local dir=$1
  shift
  echo "+ $*"
  (cd "$dir" && timeout -k 1 "$RUN_TIMEOUT" "$@") >"$W/run.out" 2>&1
  local rc=$?
  cat "$W/run.out"
  local wrong lost
  wrong=$(sed -n 's/^fail \([^ ]*\) expected=\([^ ]*\) got=\([^ ]*\).*/\1 expected \2, got \3/p' "$W/run.out" | head -n 1)
  lost=$(sed -n 's/^prop \([^ ]*\) lost \(.*\)/\1 lost: \2/p' "$W/run.out" | head -n 1)
  if [ "$rc" -eq 124 ]; then finish "fail at run: timeout after $RUN_TIMEOUT s"
  elif [ -n "$wrong" ]; then finish "fail at run: wrong value: $wrong"
  elif [ "$rc" -ne 0 ]; then finish "fail at run: $(status "$rc")"
  elif ! grep -qx 'done' "$W/run.out"; then finish "fail at run: exited 0 without printing 'done'"
  elif [ -n "$lost" ]; then finish "fail at check: $lost"
  fi
}

# inspect FILE COMMAND...: a readelf or objdump of the check stage, saved.
inspect() {
  local file=$1
  shift
  mkdir -p "$(dirname "$file")"
  echo "+ $* > $file"
  "$@" >"$file" 2>&1 || finish "$(basename "$1") failed on ${!#}: see $file"
}
)sh";

struct Step {
  const StepRow* row;
  std::vector<std::string> argv;
  fs::path output; // what follows -o; empty for the run and the check stage

  Step(const StepRow* r, std::vector<std::string> a) : row(r), argv(std::move(a)) {
    auto o = std::find(argv.begin(), argv.end(), "-o");
    if (o != argv.end() && o + 1 != argv.end())
      output = *(o + 1);
  }
};

// "# " before every line of text.
std::string comment(const std::string& text, const std::string& indent = "") {
  std::string out;
  for (const auto& line : split_lines(text))
    out += fmt::format("#{}{}\n", line.empty() && indent.empty() ? "" : " ", indent + line);
  return out;
}

// The work folder of the run: every output is <work>/obj/<hash>/<file> or
// <work>/cells/<key>/<file>.
fs::path recorded_work_dir(const std::vector<Step>& steps) {
  for (const auto& s : steps) {
    auto kind = s.output.parent_path().parent_path().filename();
    if (kind == "obj" || kind == "cells")
      return s.output.parent_path().parent_path().parent_path();
  }
  throw FatalError("no recorded step wrote into a work folder, so the script cannot place its outputs");
}

// The run's fixtures folder: the runtime step compiles <fixtures>/runtime/runtime.c.
fs::path recorded_fixtures_dir(const std::vector<Step>& steps) {
  for (const auto& s : steps)
    for (const auto& a : s.argv)
      if (s.row->step == "runtime" && a.ends_with("/runtime/runtime.c"))
        return fs::path(a).parent_path().parent_path();
  throw FatalError("the cell has no recorded runtime compile, so its fixtures folder is unknown");
}

// The sysroot of the real core, when the cell was built against one: the
// core step writes <sysroot>/lib/rustlib/<target>/lib/libcore.rlib.
std::string recorded_sysroot(const std::vector<Step>& steps) {
  for (const auto& s : steps)
    if (s.row->step == "core" && !s.output.empty())
      return s.output.parent_path().parent_path().parent_path().parent_path().parent_path();
  return "";
}

// Rewrites recorded paths into the script's: the fixtures folder becomes
// "$S" (and what lies under it a source to embed), the work folder "$W",
// a real core's sysroot (in abimatrix's cache) "$W"/sysroot.
class Rewriter {
public:
  Rewriter(std::string fixtures, std::string work, std::string sysroot)
      : m_fixtures(std::move(fixtures)), m_work(std::move(work)), m_sysroot(std::move(sysroot)) {}

  std::string word(const std::string& arg) {
    if (arg.empty())
      return "''";
    std::string out;
    std::size_t pos = 0;
    while (pos < arg.size()) {
      auto [at, prefix] = next_prefix(arg, pos);
      if (at == std::string::npos) {
        out += shell_quote(arg.substr(pos));
        break;
      }
      if (at > pos)
        out += shell_quote(arg.substr(pos, at - pos));
      pos = at + prefix->size();
      if (prefix == &m_fixtures) {
        out += "\"$S\"";
        m_sources.insert(arg.substr(std::min(pos + 1, arg.size())));
      } else {
        out += prefix == &m_work ? "\"$W\"" : "\"$W\"/sysroot";
      }
    }
    return out;
  }

  std::string words(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args)
      out.push_back(word(a));
    return join(out, " ");
  }

  // Paths under the fixtures folder the commands named, relative to it.
  const std::set<std::string>& sources() const { return m_sources; }

private:
  // The first recorded folder at or after pos, as a whole path component.
  std::pair<std::size_t, const std::string*> next_prefix(const std::string& arg, std::size_t pos) const {
    std::pair<std::size_t, const std::string*> best{std::string::npos, nullptr};
    for (const std::string* p : {&m_fixtures, &m_work, &m_sysroot})
      for (auto at = p->empty() ? std::string::npos : arg.find(*p, pos); at != std::string::npos;
           at = arg.find(*p, at + 1)) {
        auto end = at + p->size();
        if (end == arg.size() || arg[end] == '/') {
          if (at < best.first)
            best = {at, p};
          break;
        }
      }
    return best;
  }

  std::string m_fixtures, m_work, m_sysroot;
  std::set<std::string> m_sources;
};

// The shell variable a tool goes by, so a reader can point it elsewhere.
std::string tool_variable(const Step& s) {
  const std::string& stage = s.row->stage;
  if (stage == "compile-c" || stage == "link")
    return "CC";
  if (stage == "compile-rust")
    return "RUSTC";
  if (stage == "run")
    return "QEMU";
  auto base = fs::path(s.argv[0]).filename().string();
  if (base.find("readelf") != std::string::npos)
    return "READELF";
  if (base.find("objdump") != std::string::npos)
    return "OBJDUMP";
  std::string var;
  for (char c : base)
    var += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  return var;
}

// Each file the commands use, read from the fixtures folder of today: a
// named folder (-I runtime) brings every file under it.
std::map<std::string, std::string> read_sources(const std::set<std::string>& named, const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& rel : named) {
    fs::path p = dir / rel;
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p, fs::directory_options::follow_directory_symlink))
        if (e.is_regular_file())
          files[e.path().lexically_relative(dir).string()] = read_file(e.path());
    } else if (fs::is_regular_file(p)) {
      files[rel] = read_file(p);
    } else {
      throw FatalError(fmt::format("the cell's command names {}, which {} lacks (give --matrix for a matrix whose "
                                   "fixtures-dir has it)",
                                   rel, dir.string()));
    }
  }
  return files;
}

// A here-document that writes one file byte for byte.
std::string embed(const std::string& rel, const std::string& text) {
  auto lines = split_lines(text);
  std::string end = "AMX_SOURCE_END";
  while (std::count(lines.begin(), lines.end(), end))
    end += "_";
  std::string out = fmt::format("mkdir -p \"$S\"/{}\ncat >\"$S\"/{} <<'{}'\n{}", shell_quote(fs::path(rel).parent_path().string()),
                                shell_quote(rel), end, text);
  if (text.empty() || text.back() != '\n')
    out += "\n";
  out += end + "\n";
  if (!text.empty() && text.back() != '\n')
    out += fmt::format("truncate -s -1 \"$S\"/{}\n", shell_quote(rel)); // the file has no final newline
  return out;
}

std::string recorded_outcome(const ResultRow& r) {
  if (r.verdict == "pass" || r.verdict == "xpass")
    return "pass";
  return fmt::format("fail at {}: {}", r.stage, first_line(r.reason));
}

} // namespace

std::string render_reproducer(const ShownResult& shown, const StoredRun& run, const ReproSources& sources) {
  const ResultRow& r = shown.result;
  std::vector<Step> steps;
  for (const auto& row : shown.steps) {
    if (row.stage == "rust-mix")
      continue; // the Rust-vs-Rust experiment is not part of the outcome
    auto argv = split_command(row.command);
    if (!argv || argv->empty())
      throw FatalError(fmt::format("cell {}: cannot read back the recorded command of step {}: {}", r.key, row.step,
                                   row.command));
    steps.emplace_back(&row, std::move(*argv));
  }
  if (steps.empty())
    throw FatalError(fmt::format("cell {} ran no step in run {} ({}: {}); there is nothing to reproduce", r.key, r.run,
                                 r.verdict, r.reason));

  const fs::path recorded_fixtures = recorded_fixtures_dir(steps);
  const std::string sysroot = recorded_sysroot(steps);
  Rewriter rw(recorded_fixtures.string(), recorded_work_dir(steps).string(), sysroot);
  int inspections = 0;
  std::map<std::string, std::string> tool_vars; // path -> variable
  std::set<std::string> taken;
  std::string body;
  for (const auto& s : steps) {
    auto& var = tool_vars[s.argv[0]];
    if (var.empty()) {
      const auto base = tool_variable(s);
      var = base;
      for (int n = 2; taken.count(var); n++)
        var = fmt::format("{}_{}", base, n);
      taken.insert(var);
    }
    std::vector<std::string> args(s.argv.begin() + 1, s.argv.end());
    std::string command = fmt::format("\"${}\" {}", var, rw.words(args));
    const std::string& stage = s.row->stage;
    if (stage == "run") {
      auto program = std::find_if(args.rbegin(), args.rend(), [](const std::string& a) { return a.starts_with("/"); });
      auto dir = program == args.rend() ? std::string("\"$W\"") : rw.word(fs::path(*program).parent_path().string());
      body += fmt::format("run_program {} {}\n", dir, command);
    } else if (stage == "check") {
      body += fmt::format("inspect \"$W\"/check/{}-{}.txt {}\n", ++inspections, s.row->step, command);
    } else {
      auto dir = s.output.empty() ? std::string("\"$W\"") : rw.word(s.output.parent_path().string());
      body += fmt::format("step {} {} {}{}\n", stage, dir, stage == "compile-rust" ? "env RUSTC_BOOTSTRAP=1 " : "",
                          command);
    }
  }

  // The check stage's code and note properties are read by abimatrix from
  // the saved output; the script reprints that reading and does not redo it.
  std::vector<const CheckRow*> judged;
  for (const auto& c : shown.checks)
    if (!c.flag.empty())
      judged.push_back(&c);
  if (!judged.empty()) {
    body += "echo \"abimatrix's check stage read the files in $W/check and recorded:\"\n";
    for (const auto* c : judged)
      body += fmt::format("echo {}\n", shell_quote(fmt::format("  {} {}{}", c->property, c->held ? "held" : "lost: ",
                                                               c->detail)));
  }
  if (r.stage == "check" && std::any_of(judged.begin(), judged.end(), [](const CheckRow* c) { return !c->held; }))
    body += fmt::format("finish {}\" (abimatrix's reading of $W/check)\"\n", shell_quote(recorded_outcome(r)));
  body += "finish pass\n";

  // The header: what the cell is and what was recorded.
  std::string head = "#!/usr/bin/env bash\n# shellcheck disable=SC2317 # not every cell calls every helper\n";
  head += fmt::format("# abimatrix reproducer for cell {}\n#   {}\n#\n", r.key, r.name);
  head += fmt::format("#   target {}, fixture {}, pairing {}\n", r.target, r.fixture, r.pairing);
  head += fmt::format("#   C side    ({}): {}\n#   Rust side ({}): {}\n#\n", r.c_compiler, r.c_setting, r.rustc,
                      r.rust_setting);
  head += fmt::format("# Run {} of matrix '{}' ({}), started {} on {}, recorded\n", r.run, run.info.matrix_name,
                      run.info.matrix_path, run.started_at, run.info.host);
  head += comment(fmt::format("{} (expected {}): {}", r.verdict, r.expected, recorded_outcome(r)), "  ");
  if (!shown.expect_reason.empty())
    head += comment("expected so because: " + shown.expect_reason, "  ");
  head += "#\n# The tools of that run; set the variables below to try others (CC=clang-20 bash ...).\n";
  for (const auto& t : run.info.tools)
    if (tool_vars.count(t.path.string()))
      head += comment(fmt::format("{:<8} {}: {}", tool_vars[t.path.string()], t.path.string(), t.version), "  ");
  head += fmt::format("#\n# The sources below are those of {} when `abimatrix repro` wrote\n# this script ({:%Y-%m-%d}); "
                      "the run compiled them from {}.\n",
                      sources.fixtures_dir.string(), std::chrono::system_clock::now(), recorded_fixtures.string());
  if (!sysroot.empty())
    head += "#\n# The Rust side is built against the real core, from the library source the\n"
            "# core step names (Debian: rust-web-src); the script builds it into $W/sysroot.\n";
  head += "#\n# Usage: bash THIS-FILE [WORKDIR]   (default: a new folder under ${TMPDIR:-/tmp})\n"
          "# Runs each step the harness ran for the cell and stops at the first that\n"
          "# fails; exits 0 when the cell passes and 1 when it fails, after saying\n"
          "# whether that is the outcome recorded.\n";
  head += "set -u\n\nW=${1:-$(mktemp -d \"${TMPDIR:-/tmp}/abimatrix-repro.XXXXXX\")}\n"
          "mkdir -p \"$W\" && W=$(cd \"$W\" && pwd) || exit 2\nS=$W/src\necho \"working in $W\"\n\n";
  for (const auto& [path, var] : tool_vars)
    head += fmt::format("{}=${{{}:-{}}}\n", var, var, shell_quote(path));
  head += fmt::format("RUN_TIMEOUT=${{RUN_TIMEOUT:-{}}}\n",
                      std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(sources.run_timeout).count()));
  head += fmt::format("recorded={}\n", shell_quote(recorded_outcome(r)));
  head += kHelpers;

  std::string files = "\n# The fixture sources.\n";
  for (const auto& [rel, text] : read_sources(rw.sources(), sources.fixtures_dir))
    files += embed(rel, text);
  return head + files + "\n# The steps, in the harness's order.\n" + body;
}

} // namespace amx
