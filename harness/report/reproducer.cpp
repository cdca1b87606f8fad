#include "report/reproducer.hpp"

#include "model/judge.hpp"
#include "model/target.hpp"
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
// the recorded one and exits 0 for a pass, 1 for a failure. What a step's
// exit and output mean is abimatrix's own judgment (`abimatrix judge`), the
// one the run used, never a copy of it in shell.
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

# judge STAGE TOOL OUTPUT-FILE RC [ARGS...]: abimatrix's verdict on one step
# whose exit status bash saw as RC (124: the run's timeout; above 128: a
# signal); a failure ends the script.
judge() {
  local stage=$1 tool=$2 out=$3 rc=$4 status
  shift 4
  if [ "$stage" = run ] && [ "$rc" -eq 124 ]; then status=(--timed-out)
  elif [ "$rc" -gt 128 ]; then status=(--signal $((rc - 128)))
  else status=(--exit-code "$rc"); fi
  local outcome
  outcome=$("$ABIMATRIX" judge "$stage" --tool "$tool" --output "$out" "${status[@]}" "$@") ||
    [ -n "$outcome" ] || { echo "cannot run $ABIMATRIX judge (set ABIMATRIX to an abimatrix binary)"; exit 2; }
  [ "$outcome" = pass ] || finish "$outcome"
}

# step STAGE DIR COMMAND...: one compile or link, in DIR.
step() {
  local stage=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  echo "+ $*"
  (cd "$dir" && "$@") >"$W/step.out" 2>&1
  local rc=$?
  cat "$W/step.out"
  judge "$stage" "$(basename "$1")" "$W/step.out" "$rc"
}

# run_program DIR COMMAND...: the program, under QEMU or by itself, and the
# run-time properties it reports.
run_program() {
  local dir=$1
  shift
  echo "+ $*"
  (cd "$dir" && timeout -k 1 "$RUN_TIMEOUT" "$@") >"$W/run.out" 2>&1
  local rc=$?
  cat "$W/run.out"
  judge run "$(basename "$1")" "$W/run.out" "$rc" --timeout "$RUN_TIMEOUT" "${CASES[@]}"
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
};

// "# " before every line of text, so that no recorded name (a matrix's,
// a rustc's) can end the comment and run as a command; other control
// characters are shown as '?', not sent to a terminal that cats the script.
std::string comment(const std::string& text, const std::string& indent = "") {
  std::string out;
  for (const auto& line : split_lines(text))
    out += fmt::format("#{}{}\n", line.empty() && indent.empty() ? "" : " ", indent + without_controls(line));
  return out;
}

// Rewrites the folders the plan recorded into the script's: the fixtures
// folder becomes "$S" (and what lies under it a source to embed), the work
// folder "$W", abimatrix's cache (a real core's sysroot) "$W"/cache.
class Rewriter {
public:
  explicit Rewriter(const Layout& l)
      : m_fixtures(l.fixtures.string()), m_work(l.work.string()), m_cache(l.cache.string()) {}

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
        out += prefix == &m_work ? "\"$W\"" : "\"$W\"/cache";
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
    for (const std::string* p : {&m_fixtures, &m_work, &m_cache})
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

  std::string m_fixtures, m_work, m_cache;
  std::set<std::string> m_sources;
};

// The shell variable a tool goes by, so a reader can point it elsewhere.
std::string tool_variable(const Step& s) {
  const Stage stage = s.row->stage;
  if (stage == Stage::compile_c || stage == Stage::link)
    return "CC";
  if (stage == Stage::compile_rust)
    return "RUSTC";
  if (stage == Stage::run)
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
// Writes text to rel under the script's folder `root` ("$S" or "$W").
std::string embed(const std::string& root, const std::string& rel, const std::string& text) {
  auto lines = split_lines(text);
  std::string end = "AMX_SOURCE_END";
  while (std::count(lines.begin(), lines.end(), end))
    end += "_";
  std::string out = fmt::format("mkdir -p {0}/{1}\ncat >{0}/{2} <<'{3}'\n{4}", root,
                                shell_quote(fs::path(rel).parent_path().string()), shell_quote(rel), end, text);
  if (text.empty() || text.back() != '\n')
    out += "\n";
  out += end + "\n";
  if (!text.empty() && text.back() != '\n')
    out += fmt::format("truncate -s -1 {}/{}\n", root, shell_quote(rel)); // the file has no final newline
  return out;
}

std::string recorded_outcome(const ResultRow& r) {
  return outcome_line({is_passing(r.verdict), r.stage, r.reason});
}

} // namespace

std::string render_reproducer(const ShownResult& shown, const StoredRun& run, const ReproSources& sources) {
  const ResultRow& r = shown.result;
  std::vector<Step> steps;
  for (const auto& row : shown.steps) {
    if (row.stage == Stage::rust_mix)
      continue; // the Rust-vs-Rust experiment is not part of the outcome
    auto argv = split_command(row.command);
    if (!argv || argv->empty())
      throw FatalError(fmt::format("cell {}: cannot read back the recorded command of step {}: {}", r.key, row.step,
                                   row.command));
    steps.emplace_back(&row, std::move(*argv));
  }
  if (steps.empty())
    throw FatalError(fmt::format("cell {} ran no step in run {} ({}: {}); there is nothing to reproduce", r.key, r.run,
                                 to_string(r.verdict), r.reason));

  if (shown.layout.fixtures.empty() || shown.layout.work.empty())
    throw FatalError(fmt::format("run {} recorded no folders for cell {} (written before schema 6); run the cell "
                                 "again to reproduce it",
                                 r.run, r.key));
  const fs::path& recorded_fixtures = shown.layout.fixtures;
  const bool real_core = std::any_of(steps.begin(), steps.end(), [](const Step& s) { return s.row->step == "core"; });
  Rewriter rw(shown.layout);
  int inspections = 0;
  std::map<std::string, std::string> tool_vars; // path -> variable
  std::set<std::string> taken;
  std::string body;
  bool native = false;
  for (const auto& s : steps) {
    const Stage stage = s.row->stage;
    // A program the host ran without QEMU is its own first word, a file the
    // script builds; RUNNER (empty) is what runs it on another machine.
    std::string command;
    if (stage == Stage::run && s.argv[0].starts_with((shown.layout.work / "").string())) {
      native = true;
      command = "${RUNNER:+\"$RUNNER\"} " + rw.words(s.argv);
    } else {
      auto& var = tool_vars[s.argv[0]];
      if (var.empty()) {
        const auto base = tool_variable(s);
        var = base;
        for (int n = 2; taken.count(var); n++)
          var = fmt::format("{}_{}", base, n);
        taken.insert(var);
      }
      std::vector<std::string> args(s.argv.begin() + 1, s.argv.end());
      command = fmt::format("\"${}\" {}", var, rw.words(args));
    }
    const auto dir = s.row->cwd.empty() ? std::string("\"$W\"") : rw.word(s.row->cwd.string());
    if (stage == Stage::run) {
      body += fmt::format("run_program {} {}\n", dir, command);
    } else if (stage == Stage::check) {
      body += fmt::format("inspect \"$W\"/check/{}-{}.txt {}\n", ++inspections, s.row->step, command);
    } else {
      // What the step was given; a database before schema 16 did not
      // record it, when every rustc step had RUSTC_BOOTSTRAP=1.
      auto env = s.row->env;
      if (env.empty() && stage == Stage::compile_rust)
        env = "RUSTC_BOOTSTRAP=1";
      body += fmt::format("step {} {} {}{}\n", to_string(stage), dir,
                          env.empty() ? "" : "env " + rw.words(split_words(env)) + " ", command);
    }
  }

  // The check stage's code and note properties are read by abimatrix from
  // the saved output; the script reprints that reading and does not redo it.
  std::vector<const CheckResult*> judged;
  for (const auto& c : shown.checks)
    if (!c.flag.empty())
      judged.push_back(&c);
  if (!judged.empty()) {
    body += "echo \"abimatrix's check stage read the files in $W/check and recorded:\"\n";
    for (const auto* c : judged)
      body += fmt::format("echo {}\n", shell_quote(fmt::format("  {} {}{}", c->property, c->held ? "held" : "lost: ",
                                                               c->detail)));
  }
  if (r.stage == Stage::check && std::any_of(judged.begin(), judged.end(), [](const CheckResult* c) { return !c->held; }))
    body += fmt::format("finish {}\" (abimatrix's reading of $W/check)\"\n", shell_quote(recorded_outcome(r)));
  body += "finish pass\n";

  // The header: what the cell is and what was recorded.
  std::string head = "#!/usr/bin/env bash\n# shellcheck disable=SC2317 # not every cell calls every helper\n";
  head += comment(fmt::format("abimatrix reproducer for cell {}\n  {}\n\n", r.key, r.name));
  head += comment(fmt::format("  target {}, fixture {}, pairing {}", r.target, r.fixture, to_string(r.pairing)));
  head += comment(fmt::format("  C side    ({}): {}\n  Rust side ({}): {}\n\n", r.c_compiler, to_string(r.c), r.rustc,
                              to_string(r.rust)));
  head += comment(fmt::format("Run {} of matrix '{}' ({}), started {} on {}, recorded", r.run, run.info.matrix_name,
                              run.info.matrix_path, run.started_at, run.info.host));
  head += comment(fmt::format("{} (expected {}): {}", to_string(r.verdict), to_string(r.expected), recorded_outcome(r)), "  ");
  if (!shown.expect_reason.empty())
    head += comment("expected so because: " + shown.expect_reason, "  ");
  head += "#\n# The tools of that run; set the variables below to try others (CC=clang-20 bash ...).\n";
  for (const auto& t : run.info.tools)
    if (tool_vars.count(t.path.string()))
      head += comment(fmt::format("{:<8} {}: {}", tool_vars[t.path.string()], t.path.string(), t.version), "  ");
    else if (native && t.role == "native")
      head += comment(fmt::format("{:<8} none, the host ran the program: {}", "RUNNER", t.version), "  ");
  if (!shown.spellings.empty()) {
    head += "#\n# How those tools spelled the cell's flags (what else each takes: abimatrix show).\n";
    for (const auto& f : shown.spellings)
      head += comment(describe_spelling(f), "  ");
  }
  head += comment(fmt::format("\nThe sources below are those of {} when `abimatrix repro` wrote\nthis script ({:%Y-%m-%d}); "
                              "the run compiled them from {}.",
                              sources.fixtures_dir.string(), std::chrono::system_clock::now(),
                              recorded_fixtures.string()));
  if (real_core)
    head += "#\n# The Rust side is built against the real core, from the library source the\n"
            "# core step names (Debian: rust-web-src); the script builds it into $W/cache.\n";
  head += "#\n# Usage: bash THIS-FILE [WORKDIR]   (default: a new folder under ${TMPDIR:-/tmp})\n"
          "# Runs each step the harness ran for the cell and stops at the first that\n"
          "# fails; exits 0 when the cell passes and 1 when it fails, after saying\n"
          "# whether that is the outcome recorded.\n";
  head += "set -u\n\nW=${1:-$(mktemp -d \"${TMPDIR:-/tmp}/abimatrix-repro.XXXXXX\")}\n"
          "mkdir -p \"$W\" && W=$(cd \"$W\" && pwd) || exit 2\nS=$W/src\necho \"working in $W\"\n\n";
  for (const auto& [path, var] : tool_vars)
    head += fmt::format("{}=${{{}:-{}}}\n", var, var, shell_quote(path));
  if (native) {
    const Target* t = find_target(r.target);
    head += fmt::format("# The host ran the program itself; on another machine RUNNER={} bash ...\nRUNNER=${{RUNNER:-}}\n",
                        t ? t->qemu : "qemu-" + r.target);
  }
  head += fmt::format("ABIMATRIX=${{ABIMATRIX:-{}}}\n", shell_quote(sources.abimatrix.string()));
  head += fmt::format("RUN_TIMEOUT=${{RUN_TIMEOUT:-{}}}\n",
                      std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(sources.run_timeout).count()));
  std::vector<std::string> case_args;
  for (const auto& c : sources.cases)
    case_args.push_back("--case " + shell_quote(c));
  head += fmt::format("CASES=({})\n", join(case_args, " "));
  head += fmt::format("recorded={}\n", shell_quote(recorded_outcome(r)));
  head += kHelpers;

  std::string files = "\n# The fixture sources.\n";
  for (const auto& [rel, text] : read_sources(rw.sources(), sources.fixtures_dir))
    files += embed("\"$S\"", rel, text);
  // A generated fixture's sources, as its run wrote them into the work folder.
  for (const auto& f : shown.sources)
    files += embed("\"$W\"", f.path.lexically_relative(shown.layout.work).string(), f.text);
  return head + files + "\n# The steps, in the harness's order.\n" + body;
}

} // namespace amx
