#include "run/runner.hpp"

#include "check/properties.hpp"
#include "compile/commands.hpp"
#include "model/judge.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"
#include "util/thread_pool.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <regex>

namespace amx {

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
  for (auto& rec : ref.records()) {
    if (stage)
      rec.stage = *stage;
    steps.push_back(std::move(rec));
  }
  return ref.built->outcome.passed;
}

} // namespace

std::optional<RustMix> Runner::rust_mix(const Cell& cell, const CellPlan& plan, std::vector<StepRecord>& steps) {
  if (!plan.rust_mix_args)
    return std::nullopt; // the C side's setting cannot be spelled for rustc, or spells the same
  const Tool& rustc = *plan.rustc;
  const auto& rust_flags = plan.rust_args;
  auto step = [&](const BuiltRef& ref) { return record_step(steps, ref, Stage::rust_mix); };
  auto core = m_builder.minicore(cell, rustc, *plan.rust_mix_args, Stage::rust_mix);
  if (!step(core))
    return std::nullopt; // nothing to mix with
  RustMix mix;
  mix.minicore_setting = cell.c;
  mix.crate_setting = cell.rust;
  auto lib = m_builder.mix_crate(cell, rustc, rust_flags, core.built->output);
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
  mix.allowed = step(m_builder.mix_crate(cell, rustc, allowed_flags, core.built->output));
  return mix;
}

CellResult Runner::run_cell(const Cell& cell, CellPlan plan, unsigned attempt) {
  auto start = std::chrono::steady_clock::now();
  CellResult res;
  res.cell = &cell;
  res.plan = std::move(plan);
  const CellPlan& p = res.plan;
  auto finish = [&](Outcome o) {
    res.outcome = std::move(o);
    res.verdict = judge_cell(cell, res.outcome, res.checks);
    res.elapsed = std::chrono::steady_clock::now() - start;
    return res;
  };
  // A compiler that refuses a side's arguments skips the cell with nothing
  // built, whether that was known before or learnt from the side's build.
  auto skipped = [&](const std::string& why) {
    res.steps.clear();
    res.sources.clear();
    res.outcome = {true, std::nullopt, why};
    res.verdict = Verdict::skip;
    res.elapsed = std::chrono::steady_clock::now() - start;
    return res;
  };
  if (p.skip)
    return skipped(*p.skip);
  if (p.rust_spec)
    res.sources.push_back(*p.rust_spec);
  auto failed = [&](const BuiltRef& ref) { return !record_step(res.steps, ref); };
  auto refused = [&](bool c_side) -> std::optional<std::string> {
    if (!m_questions || (c_side ? p.c_args : p.rust_args).empty())
      return std::nullopt;
    return m_questions->refusal(cell, p, c_side);
  };
  // A C step that failed or warned (the C compilers are asked with -Werror)
  // asks about the C side; a cell that ends before its Rust side is built
  // asks about that too, as both were asked before any build.
  auto c_side_ends = [&](const BuiltRef& ref) -> std::optional<CellResult> {
    const bool ok = !failed(ref);
    if (!ok || ref.built->record.result.output.find("warning:") != std::string::npos)
      if (auto why = refused(true))
        return skipped(*why);
    if (ok)
      return std::nullopt;
    if (auto why = refused(false))
      return skipped(*why);
    return finish(ref.built->outcome);
  };
  auto rust_side_ends = [&](const BuiltRef& ref) -> std::optional<CellResult> {
    if (!failed(ref))
      return std::nullopt;
    if (auto why = refused(false))
      return skipped(*why);
    return finish(ref.built->outcome);
  };
  const Tool& cc = *p.cc;
  const Tool& rustc = *p.rustc;
  // With a real core, the Rust side also names the sysroot it is built into.
  std::vector<std::string> rust_flags = p.rust_args;

  auto runtime = m_builder.c_object(cell, Builder::CPart::runtime, cc, p.c_args);
  if (auto end = c_side_ends(runtime))
    return *end;
  auto c_obj = m_builder.c_object(cell, Builder::CPart::fixture, cc, p.c_args);
  if (auto end = c_side_ends(c_obj))
    return *end;
  if (!m_matrix.core_source.empty()) {
    auto core = m_builder.core_sysroot(cell, rustc, rust_flags);
    if (auto end = rust_side_ends(core))
      return *end;
    rust_flags.push_back("--sysroot=" + core.built->output.string());
  }
  auto minicore = m_builder.minicore(cell, rustc, rust_flags);
  if (auto end = rust_side_ends(minicore))
    return *end;
  if (m_questions && !p.rust_args.empty())
    m_questions->rust_taken(cell, p);
  auto rust_lib = m_builder.rust_lib(cell, rustc, rust_flags, minicore.built->output);
  if (failed(rust_lib))
    return finish(rust_lib.built->outcome);
  if (cell.fixture->signatures) {
    const auto& g = cell.fixture->generated.at(cell.target->name);
    res.sources.push_back({m_builder.fixture_source(cell, true), g.c});
    res.sources.push_back({m_builder.fixture_source(cell, false), g.rust});
  }
  // Not with the real core: the experiment would need a core per C setting.
  if (m_matrix.core_source.empty())
    res.rust_mix = rust_mix(cell, p, res.steps);

  std::vector<std::filesystem::path> inputs = {runtime.built->output, c_obj.built->output, rust_lib.built->output};
  if (auto thunks = m_builder.thunks(cell, cc)) {
    if (failed(*thunks))
      return finish(thunks->built->outcome);
    inputs.push_back(thunks->built->output);
  }
  auto linked = m_builder.link(cell, cc, inputs);
  if (failed(linked))
    return finish(linked.built->outcome);
  const auto& program = linked.built->output;

  ProcessSpec run;
  auto argv = program_command(*p.runner, *cell.target, program.string());
  run.exe = argv[0];
  run.args.assign(argv.begin() + 1, argv.end());
  run.fixed_addresses = true;
  // The program is told what it is built for, so its own checks know what
  // to expect (a thunk used, NOPs at an entry) without a build per setting.
  for (const auto& [flag, value] : p.intended)
    run.args.push_back(flag + "=" + value);
  run.args.push_back(fmt::format("case-timeout-ms={}", m_matrix.timeouts.test_case.count()));
  run.cwd = program.parent_path();
  run.timeout = m_matrix.timeouts.run;
  run.output_cap = m_matrix.output_cap;
  auto ran_step = m_builder.inspect(Stage::run, "run", *p.runner, run, {run_token()}, attempt > 0);
  record_step(res.steps, ran_step);
  const ProcessResult& ran_result = res.steps.back().result;
  // The arguments it ran with: a reused run's token is its own.
  run.args.assign(res.steps.back().argv.begin() + 1, res.steps.back().argv.end());
  res.checks = value_checks(ran_result.output, cell.fixture->cases_on(cell.target->name));
  const Outcome ran = judge_run(ran_result, run, res.checks);
  if (auto program = program_check(ran_result, run, res.checks))
    res.checks.push_back(std::move(*program));
  auto props = run_properties(ran_result.output);
  res.checks.insert(res.checks.end(), props.begin(), props.end());
  if (m_objdump) {
    RealElfReader reader(*m_objdump, m_matrix.timeouts.link, m_builder, res.steps);
    auto more = check_properties(cell, p.intended,
                                 {runtime.built->output, c_obj.built->output, rust_lib.built->output, program},
                                 reader);
    res.checks.insert(res.checks.end(), more.begin(), more.end());
  }
  return finish(judge_program(ran, res.checks));
}

bool Runner::run_all(const std::vector<std::pair<const Cell*, CellPlan>>& cells, unsigned jobs, unsigned retries,
                     const std::function<bool(CellResult&&)>& on_result) {
  std::mutex report;
  std::size_t reported = 0;
  std::atomic<bool> enough = false;
  // Twice as many cells as job slots (the builder's): a cell waiting for a
  // step another cell is running leaves its slot to a third.
  parallel_for(
      cells.size(), 2 * jobs,
      [&](std::size_t i) {
        CellResult r = run_cell(*cells[i].first, cells[i].second);
        if (worth_retrying(r.verdict, r.outcome)) {
          std::vector<CellResult> again;
          while (again.size() < retries && !interrupted() &&
                 (again.empty() || is_unexpected(again.back().verdict)))
            again.push_back(run_cell(*cells[i].first, cells[i].second, static_cast<unsigned>(again.size()) + 1));
          r = with_retries(std::move(r), std::move(again));
          if (r.verdict == Verdict::flaky)
            for (const auto& s : r.steps)
              if (s.stage == Stage::run && s.step == "run")
                m_builder.forget(s.cache_key);
        }
        if (interrupted())
          return; // its children were killed by the interrupt: not a result
        std::lock_guard lock(report);
        reported++;
        if (!on_result(std::move(r)))
          enough = true;
      },
      [&] { return interrupted() || enough; });
  return reported == cells.size();
}

} // namespace amx
