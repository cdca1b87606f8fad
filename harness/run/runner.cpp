#include "run/runner.hpp"

#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace amx {

std::optional<std::vector<std::string>> Runner::flag_args(Family family, const Tool& tool, const Setting& s,
                                                          const Target& t, std::string& why_not) const {
  // Every varied flag, even when off: a spelling may give "off" arguments.
  std::set<std::string> names;
  for (const auto& used : m_matrix.flags)
    names.insert(used.name);
  for (const auto& [name, _] : s)
    names.insert(name);

  std::vector<std::string> args;
  for (const auto& name : names) {
    const Flag& flag = m_matrix.catalogue.at(name);
    if (!flag.applies_to(t.name))
      continue;
    auto it = s.find(name);
    std::string value = it == s.end() ? "off" : it->second;
    const Spelling* sp = flag.spelling(family, t.name);
    std::optional<std::vector<std::string>> spelled =
        sp ? sp->args_for(value) : (value == "off" ? std::optional(std::vector<std::string>{}) : std::nullopt);
    if (!spelled) {
      why_not = fmt::format("{} has no spelling for {}={} on {}", to_string(family), name, value, t.name);
      return std::nullopt;
    }
    if (m_caps && !spelled->empty())
      if (auto refused = m_caps->refusal(tool, t, *spelled)) {
        why_not = *refused;
        return std::nullopt;
      }
    args.insert(args.end(), spelled->begin(), spelled->end());
  }
  return args;
}

namespace {

// The option names rustc says must match: "mixing `-Zregparm` will cause an
// ABI mismatch" -> regparm, which -Cunsafe-allow-abi-mismatch= takes.
std::vector<std::string> mismatched_options(const std::string& output) {
  static const std::regex mixing(R"(mixing `-[ZC]\s*([a-z0-9-]+))");
  std::vector<std::string> out;
  for (std::sregex_iterator it(output.begin(), output.end(), mixing), end; it != end; ++it)
    if (std::find(out.begin(), out.end(), (*it)[1].str()) == out.end())
      out.push_back((*it)[1]);
  return out;
}

// Adds a built step to a cell's steps, marked shared when another cell built
// it first, under the given stage (a shared object keeps the stage of the
// cell that built it); true if it passed.
bool record_step(std::vector<StepRecord>& steps, const BuiltRef& ref, std::optional<Stage> stage = std::nullopt) {
  for (const auto* rec : {&ref.built->record, ref.built->companion ? &*ref.built->companion : nullptr}) {
    if (!rec)
      continue;
    steps.push_back(*rec);
    if (stage)
      steps.back().stage = *stage;
    steps.back().shared = ref.shared;
  }
  return ref.built->outcome.passed;
}

// Flags that pick their own Rust target (riscv64 soft-float picks
// riscv64imac-unknown-none-elf, riscv64 shadow-call-stack
// riscv64gc-unknown-none-elf) cannot be combined: rustc takes one --target.
std::optional<std::string> conflicting_rust_targets(const std::vector<std::string>& flags) {
  std::set<std::string> targets;
  for (const auto& f : flags)
    if (f.starts_with("--target="))
      targets.insert(f.substr(9));
  if (targets.size() < 2)
    return std::nullopt;
  return fmt::format("the Rust side's flags pick {} targets ({}), and rustc builds for one", targets.size(),
                     join(std::vector<std::string>(targets.begin(), targets.end()), ", "));
}

} // namespace

std::optional<RustMix> Runner::rust_mix(const Cell& cell, const Tool& rustc, const std::vector<std::string>& rust_flags,
                                        std::vector<StepRecord>& steps) {
  std::string unused;
  auto other = flag_args(Family::rustc, rustc, cell.c, *cell.target, unused);
  if (!other || *other == rust_flags)
    return std::nullopt; // the C side's setting cannot be spelled for rustc, or spells the same
  auto step = [&](const BuiltRef& ref) { return record_step(steps, ref, Stage::rust_mix); };
  auto core = m_builder.minicore(cell, rustc, *other, Stage::rust_mix);
  if (!step(core))
    return std::nullopt; // nothing to mix with
  RustMix mix;
  mix.minicore_setting = to_string(cell.c);
  mix.crate_setting = to_string(cell.rust);
  auto lib = m_builder.rust_lib(cell, rustc, rust_flags, core.built->output, Stage::rust_mix);
  if (step(lib))
    return mix;
  mix.refused = true;
  const auto& output = lib.built->record.result.output;
  mix.message = first_error_line(output);
  auto options = mismatched_options(output);
  if (options.empty())
    return mix; // refused for another reason; the message says which
  mix.allow_flag = "-Cunsafe-allow-abi-mismatch=" + join(options, ",");
  auto allowed_flags = rust_flags;
  allowed_flags.push_back(mix.allow_flag);
  mix.allowed = step(m_builder.rust_lib(cell, rustc, allowed_flags, core.built->output, Stage::rust_mix));
  return mix;
}

CellResult Runner::run_cell(const Cell& cell) {
  auto start = std::chrono::steady_clock::now();
  CellResult res;
  res.cell = &cell;
  auto finish = [&](Outcome o) {
    res.outcome = std::move(o);
    res.verdict = decide(res.outcome, cell.expected, cell.expected_stage);
    res.elapsed = std::chrono::steady_clock::now() - start;
    return res;
  };
  auto skip = [&](std::string why) {
    res.outcome = {true, std::nullopt, std::move(why)};
    res.verdict = Verdict::skip;
    res.elapsed = std::chrono::steady_clock::now() - start;
    return res;
  };
  auto failed = [&](const BuiltRef& ref) { return !record_step(res.steps, ref); };

  const Tool* cc = m_tc.c_compiler(*cell.c_compiler, *cell.target);
  if (!cc)
    return skip(m_tc.c_compiler_missing(*cell.c_compiler, *cell.target));
  const Tool* rustc_tool = m_tc.rustc(cell.rustc);
  if (!rustc_tool)
    return skip(m_tc.rustc_missing(cell.rustc));
  const Tool& rustc = *rustc_tool;
  std::string why_not;
  auto c_flags = flag_args(cell.c_compiler->family, *cc, cell.c, *cell.target, why_not);
  if (!c_flags)
    return skip(why_not);
  auto rust_flags = flag_args(Family::rustc, rustc, cell.rust, *cell.target, why_not);
  if (!rust_flags)
    return skip(why_not);
  if (auto conflict = conflicting_rust_targets(*rust_flags))
    return skip(*conflict);

  auto runtime = m_builder.c_object(cell, Builder::CPart::runtime, *cc, *c_flags);
  if (failed(runtime))
    return finish(runtime.built->outcome);
  auto c_obj = m_builder.c_object(cell, Builder::CPart::fixture, *cc, *c_flags);
  if (failed(c_obj))
    return finish(c_obj.built->outcome);
  if (!m_matrix.core_source.empty()) {
    auto core = m_builder.core_sysroot(cell, rustc, *rust_flags);
    if (failed(core))
      return finish(core.built->outcome);
    rust_flags->push_back("--sysroot=" + core.built->output.string());
  }
  auto minicore = m_builder.minicore(cell, rustc, *rust_flags);
  if (failed(minicore))
    return finish(minicore.built->outcome);
  auto rust_lib = m_builder.rust_lib(cell, rustc, *rust_flags, minicore.built->output);
  if (failed(rust_lib))
    return finish(rust_lib.built->outcome);
  // Not with the real core: the experiment would need a core per C setting.
  if (cell.c != cell.rust && m_matrix.core_source.empty())
    res.rust_mix = rust_mix(cell, rustc, *rust_flags, res.steps);

  std::vector<std::filesystem::path> inputs = {runtime.built->output, c_obj.built->output, rust_lib.built->output};
  if (auto thunks = m_builder.thunks(cell, *cc)) {
    if (failed(*thunks))
      return finish(thunks->built->outcome);
    inputs.push_back(thunks->built->output);
  }
  auto linked = m_builder.link(cell, *cc, inputs);
  res.steps.push_back(linked.record);
  if (!linked.outcome.passed)
    return finish(linked.outcome);

  const Tool& qemu = m_tc.qemu(*cell.target);
  ProcessSpec run;
  run.exe = qemu.path;
  run.args = cell.target->qemu_args;
  run.args.push_back(linked.output.string());
  // The program is told what it is built for, so its own checks know what
  // to expect (a thunk used, NOPs at an entry) without a build per setting.
  for (const auto& [flag, value] : intended_setting(cell))
    run.args.push_back(flag + "=" + value);
  run.cwd = linked.output.parent_path();
  run.timeout = m_matrix.timeouts.run;
  run.output_cap = m_matrix.output_cap;
  res.steps.push_back(run_step(Stage::run, "run", run));
  auto ran = judge_run(res.steps.back().result, run);

  res.checks = run_properties(res.steps.back().result.output);
  if (m_checker) {
    auto more = m_checker->run(cell, {runtime.built->output, c_obj.built->output, rust_lib.built->output, linked.output},
                               res.steps);
    res.checks.insert(res.checks.end(), more.begin(), more.end());
  }
  return finish(ran.passed ? judge_checks(res.checks) : ran);
}

bool Runner::run_all(const std::vector<const Cell*>& cells, unsigned jobs,
                     const std::function<void(CellResult&&)>& on_result) {
  std::atomic<std::size_t> next{0};
  std::mutex report;
  std::exception_ptr error;
  auto worker = [&] {
    try {
      while (!interrupted()) {
        std::size_t i = next++;
        if (i >= cells.size())
          return;
        CellResult r = run_cell(*cells[i]);
        if (interrupted())
          return; // its children were killed by the interrupt: not a result
        std::lock_guard lock(report);
        on_result(std::move(r));
      }
    } catch (...) {
      std::lock_guard lock(report);
      if (!error)
        error = std::current_exception();
      request_interrupt(); // a harness error stops the other workers too
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::max(1u, jobs); j++)
    threads.emplace_back(worker);
  for (auto& t : threads)
    t.join();
  if (error)
    std::rethrow_exception(error);
  return !interrupted();
}

} // namespace amx
