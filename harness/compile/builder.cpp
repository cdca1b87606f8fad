#include "compile/builder.hpp"

#include "compile/commands.hpp"
#include "compile/linker.hpp"
#include "compile/step.hpp"
#include "model/judge.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace amx {

namespace {

std::string crate_name(const std::string& fixture) {
  std::string s = fixture;
  for (auto& c : s)
    if (c == '-')
      c = '_';
  return s;
}

} // namespace

std::vector<StepRecord> BuiltRef::records() const {
  std::vector<StepRecord> out = {built->record};
  if (built->companion)
    out.push_back(*built->companion);
  for (auto& r : out)
    r.shared = shared;
  if (!argv.empty())
    out.front().argv = argv;
  return out;
}

std::filesystem::path default_cache_dir() {
  if (const char* dir = std::getenv("ABIMATRIX_CACHE"); dir && *dir)
    return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "abimatrix";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "abimatrix";
}

Builder::Builder(const Matrix& m, std::filesystem::path work_dir, StepCache* steps, std::filesystem::path cache_dir,
                 unsigned jobs)
    : m_no_cache({}, CacheUse::none, 0, {{"$W", work_dir}, {"$F", m.fixtures_dir}}), m_matrix(m),
      m_work(std::move(work_dir)), m_cache_dir(cache_dir.empty() ? default_cache_dir() : std::move(cache_dir)),
      m_steps(steps ? *steps : m_no_cache), m_slots(jobs) {}

BuiltRef Builder::c_object(const Cell& cell, CPart part, const Tool& cc, const std::vector<std::string>& flags) {
  auto runtime_dir = m_matrix.fixtures_dir / "runtime";
  StepSpec s{Stage::compile_c, part == CPart::runtime ? "runtime" : "fixture-c", cc.name,
             c_base_args(*cell.c_compiler, *cell.target), "", {}, m_matrix.timeouts.compile};
  s.args.insert(s.args.end(), flags.begin(), flags.end());
  s.args.push_back("-I" + runtime_dir.string());
  s.args.push_back("-c");
  s.args.push_back((part == CPart::runtime ? runtime_dir / "runtime.c" : fixture_source(cell, true)).string());
  s.output_name = part == CPart::runtime ? "runtime.o" : cell.fixture->name + ".o";
  return once(cc, std::move(s));
}

std::optional<BuiltRef> Builder::thunks(const Cell& cell, const Tool& cc) {
  auto source = m_matrix.fixtures_dir / "runtime" / "arch" / (cell.target->name + "-thunks.S");
  if (!std::filesystem::exists(source))
    return std::nullopt;
  StepSpec s{Stage::compile_c, "thunks", cc.name, c_base_args(*cell.c_compiler, *cell.target), "thunks.o", {},
             m_matrix.timeouts.compile};
  s.args.push_back("-c");
  s.args.push_back(source.string());
  return once(cc, std::move(s));
}

BuiltRef Builder::minicore(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags, Stage stage) {
  StepSpec s{stage, "minicore", "rustc", rust_args("rlib", "minicore", *cell.target, flags),
             "libminicore.rlib", {"RUSTC_BOOTSTRAP=1"}, m_matrix.timeouts.compile};
  s.args.push_back(
      (m_matrix.fixtures_dir / "minicore" / (m_matrix.core_source.empty() ? "minicore.rs" : "real_core.rs")).string());
  return once(rustc, std::move(s));
}

const std::string& Builder::core_source_hash() {
  std::call_once(m_source_hashed, [&] {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(m_matrix.core_source / "core"))
      if (e.is_regular_file())
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files)
      all += f.lexically_relative(m_matrix.core_source).string() + "\n" + hash_file(f) + "\n";
    m_source_hash = hash_hex(all);
  });
  return m_source_hash;
}

Built Builder::build_core(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                          std::vector<std::string> core, const std::filesystem::path& into) {
  auto lib = into / "lib" / "rustlib" / rust_target_name(core) / "lib";
  std::filesystem::create_directories(lib);
  // As the kernel builds it: no float formatting and parsing.
  core.insert(core.end(), {"--cfg", "no_fp_fmt_parse", (m_matrix.core_source / "core/src/lib.rs").string()});
  StepSpec core_step{Stage::compile_rust, "core", "rustc", core, "libcore.rlib", {"RUSTC_BOOTSTRAP=1"},
                     m_matrix.timeouts.compile};
  Built built = execute(rustc.path, core_step, lib);
  if (!built.outcome.passed)
    return built;
  auto builtins = rust_args("rlib", "compiler_builtins", *cell.target, flags);
  builtins.push_back("--sysroot=" + into.string());
  builtins.push_back((m_matrix.fixtures_dir / "minicore" / "compiler_builtins.rs").string());
  Built stub = execute(rustc.path, {Stage::compile_rust, "compiler-builtins", "rustc", builtins,
                                    "libcompiler_builtins.rlib", {"RUSTC_BOOTSTRAP=1"}, m_matrix.timeouts.compile},
                       lib);
  built.companion = stub.record;
  if (!stub.outcome.passed)
    built.outcome = stub.outcome;
  built.output = into;
  return built;
}

BuiltRef Builder::core_sysroot(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags) {
  auto args = rust_args("rlib", "core", *cell.target, flags);
  // A command without the run's folder (where a target specification is):
  // the same in every run, in the key and in what the cache keeps.
  auto unplaced = [&](const std::vector<std::string>& argv) {
    return replace_all(render_command(argv), m_work.string(), "$W");
  };
  auto key = hash_hex(rustc.path.string() + "\n" + rustc.version + "\n" + unplaced(args) + "\n" + core_source_hash());
  // Without the cache (--no-cache) it is built for this run alone.
  const auto base = m_steps.used() ? m_cache_dir : m_work;
  return once_by("core:" + key, [&] {
    auto dir = base / "core" / key;
    // The commands as if built in place, whether built now or reused.
    auto in_place = [&](StepRecord& r, const std::filesystem::path& from) {
      for (auto& a : r.argv)
        if (auto at = a.find(from.string()); at != std::string::npos)
          a.replace(at, from.string().size(), dir.string());
    };
    auto complete = dir / "complete";
    if (std::filesystem::exists(complete)) {
      // Built by an earlier run: the steps say so instead of running again.
      std::ifstream in(complete);
      Built b;
      b.output = dir;
      for (auto* rec : {&b.record, &b.companion.emplace()}) {
        std::string line;
        std::getline(in, line);
        rec->stage = Stage::compile_rust;
        rec->step = rec == &b.record ? "core" : "compiler-builtins";
        // The run's own folder where the builder's was (a target specification).
        rec->argv = split_command(replace_all(line, "$W", m_work.string())).value_or(std::vector<std::string>{});
        rec->result.started = true;
        rec->result.exit_code = 0;
        rec->result.output = "reused from the cache: " + dir.string();
      }
      if (b.record.argv.empty() || b.companion->argv.empty())
        throw FatalError(fmt::format("{}: unreadable; delete it to build that core again", complete.string()));
      return b;
    }
    // Built aside and renamed into place, so another run never sees half of it.
    auto tmp = base / "core" / fmt::format("{}.tmp-{}", key, ::getpid());
    std::filesystem::remove_all(tmp);
    Built b = build_core(cell, rustc, flags, args, tmp);
    in_place(b.record, tmp);
    if (b.companion)
      in_place(*b.companion, tmp);
    if (!b.outcome.passed)
      return b;
    std::ofstream(tmp / "complete") << unplaced(b.record.argv) << "\n" << unplaced(b.companion->argv) << "\n";
    std::error_code ec;
    std::filesystem::rename(tmp, dir, ec);
    if (ec) // another run put it there first
      std::filesystem::remove_all(tmp, ec);
    b.output = dir;
    return b;
  });
}

BuiltRef Builder::rust_lib(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                           const std::filesystem::path& minicore) {
  auto name = crate_name(cell.fixture->name);
  StepSpec s{Stage::compile_rust, "fixture-rust", "rustc", rust_args("staticlib", name, *cell.target, flags),
             "lib" + name + ".a", {"RUSTC_BOOTSTRAP=1"}, m_matrix.timeouts.compile};
  s.args.push_back("--extern=minicore=" + minicore.string());
  s.args.push_back(fixture_source(cell, false).string());
  return once(rustc, std::move(s));
}

BuiltRef Builder::mix_crate(const Cell& cell, const Tool& rustc, const std::vector<std::string>& flags,
                            const std::filesystem::path& minicore) {
  StepSpec s{Stage::rust_mix, "mix-crate", "rustc", rust_args("rlib", "amx_mix", *cell.target, flags),
             "libamx_mix.rmeta", {"RUSTC_BOOTSTRAP=1"}, m_matrix.timeouts.compile};
  // Metadata only: rustc compares the target modifiers when it loads
  // minicore, before code generation, which the question does not need.
  s.args.push_back("--emit=metadata");
  s.args.push_back("--extern=minicore=" + minicore.string());
  s.args.push_back((m_matrix.fixtures_dir / "minicore" / "mix.rs").string());
  return once(rustc, std::move(s));
}

std::filesystem::path Builder::fixture_source(const Cell& cell, bool c_side) {
  const Fixture& fx = *cell.fixture;
  if (!fx.signatures)
    return c_side ? fx.c_source : fx.rust_source;
  const GeneratedSources& g = fx.generated.at(cell.target->name);
  SourceFile f{m_work / "generated" / g.hash / (fx.name + (c_side ? ".c" : ".rs")), c_side ? g.c : g.rust};
  write_once(f, "a generated fixture source");
  return f.path;
}

void Builder::write_once(const SourceFile& f, const char* what) {
  std::lock_guard lock(m_mutex);
  if (m_written.insert(f.path).second) {
    std::filesystem::create_directories(f.path.parent_path());
    write_file(f.path, f.text, what);
  }
}

namespace {

// The stand-ins a driver is asked to link (an empty file must exist for
// clang to print the command). They live in the cache folder, so the
// answer, which names them, serves every run.
constexpr const char* kStandInInput = "stand-in.o";
constexpr const char* kStandInOutput = "stand-in-program";

} // namespace

std::filesystem::path Builder::stand_in_dir() const { return (m_steps.used() ? m_cache_dir : m_work) / "linker"; }

std::string Builder::query(const Tool& tool, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.exe = tool.path;
  spec.args = std::move(args);
  spec.timeout = m_matrix.timeouts.link;
  spec.output_cap = 1 << 20;
  auto ref = inspect(Stage::link, "link-query", tool, spec);
  return ref.built->record.result.ok() ? ref.built->record.result.output : "";
}

std::optional<Builder::DriverLink> Builder::driver_link(const Tool& cc, const std::vector<std::string>& driver_args) {
  std::lock_guard lock(m_links_mutex);
  auto key = cc.path.string() + "\n" + render_command(driver_args);
  if (auto it = m_links.find(key); it != m_links.end())
    return it->second;
  auto& found = m_links[key];
  auto dir = stand_in_dir();
  write_once({dir / kStandInInput, ""}, "a stand-in object");
  auto args = driver_args;
  args.insert(args.end(), {(dir / kStandInInput).string(), "-o", (dir / kStandInOutput).string(), "-###"});
  auto command = last_driver_command(query(cc, args));
  if (!command || command->empty())
    return found;
  std::filesystem::path exe = command->front();
  // gcc runs collect2, which runs the linker the driver names for `ld`
  // (a bare name is looked up on PATH, as collect2 does). Not resolved
  // further: ld.lld is a link to lld, which acts on the name it is run by.
  if (exe.filename() == "collect2")
    exe = find_program(first_line(query(cc, {"-print-prog-name=ld"})));
  exe = exe.lexically_normal();
  if (!exe.is_absolute())
    return found;
  Tool linker{"linker", exe.filename().string(), exe, ""};
  linker.version = first_line(query(linker, {"--version"}));
  (*command)[0] = exe.string();
  found = DriverLink{linker, *command};
  return found;
}

BuiltRef Builder::link(const Cell& cell, const Tool& cc, const std::vector<std::filesystem::path>& inputs) {
  auto driver_args = link_driver_args(*cell.c_compiler, *cell.target);
  std::vector<std::string> files;
  for (const auto& in : inputs)
    files.push_back(in.string());
  if (auto d = driver_link(cc, driver_args)) {
    auto dir = stand_in_dir();
    if (auto args = linker_args(d->command, (dir / kStandInInput).string(), (dir / kStandInOutput).string(), files))
      return once(d->linker, {Stage::link, "link", d->linker.name, *args, "program", {}, m_matrix.timeouts.link});
  }
  driver_args.insert(driver_args.end(), files.begin(), files.end());
  return once(cc, {Stage::link, "link", cc.name, driver_args, "program", {}, m_matrix.timeouts.link});
}

BuiltRef Builder::inspect(Stage stage, const std::string& step, const Tool& tool, ProcessSpec spec,
                          const std::vector<std::string>& unkeyed, bool fresh) {
  // The executable is part of the command when it is not the tool itself:
  // a program the host runs without QEMU, keyed by its bytes.
  auto keyed = spec.args;
  if (spec.exe != tool.path)
    keyed.insert(keyed.begin(), spec.exe.string());
  auto key = m_steps.key(tool, keyed, spec.extra_env);
  const bool keep = !fresh && (stage == Stage::run ? m_steps.used_for_programs() : m_steps.used());
  auto build = [&] {
    Built b;
    std::optional<CachedStep> hit;
    if (keep)
      hit = m_steps.find(key, {});
    // A copy: the cell's own arguments below take the unkeyed ones once.
    ProcessSpec ran = spec;
    if (hit && hit->argv.size() >= unkeyed.size()) {
      ran.args.insert(ran.args.end(), hit->argv.end() - static_cast<std::ptrdiff_t>(unkeyed.size()), hit->argv.end());
      b.record = reused_step(stage, step, ran, std::move(hit->result), key);
    } else {
      ran.args.insert(ran.args.end(), unkeyed.begin(), unkeyed.end());
      b.record = run(stage, step, ran);
      if (keep)
        m_steps.store(key, {b.record.argv, b.record.result}, {}, {});
    }
    b.record.cache_key = keep ? key : "";
    b.outcome.passed = b.record.result.ok();
    return b;
  };
  auto ref = fresh ? BuiltRef{std::make_shared<const Built>(build()), false, {}} : once_by(key, build);
  // This cell's own arguments, with the unkeyed ones the step ran with.
  const auto& ran = ref.built->record.argv;
  ref.argv = {spec.exe.string()};
  ref.argv.insert(ref.argv.end(), spec.args.begin(), spec.args.end());
  ref.argv.insert(ref.argv.end(), ran.end() - static_cast<std::ptrdiff_t>(std::min(unkeyed.size(), ran.size())),
                  ran.end());
  return ref;
}

BuiltRef Builder::once(const Tool& tool, StepSpec spec) {
  // Everything that goes into the output is its address: the tool, the
  // command line and the bytes of what it reads.
  auto keyed = spec.args;
  keyed.insert(keyed.end(), {"-o", spec.output_name});
  auto key = m_steps.key(tool, keyed, spec.env);
  const auto dir = m_work / "obj" / key;
  auto ref = once_by(key, [&] {
    if (m_steps.used())
      if (auto hit = m_steps.find(key, dir)) {
        auto ps = process(tool.path, spec, dir);
        Built b;
        b.output = dir / spec.output_name;
        b.record = reused_step(spec.stage, spec.step, ps, std::move(hit->result), key);
        b.outcome = judge_build(spec.stage, spec.tool, b.record.result, ps);
        return b;
      }
    Built b = execute(tool.path, spec, dir);
    b.record.cache_key = key;
    if (m_steps.used()) {
      std::vector<std::string> files;
      if (std::filesystem::exists(b.output))
        files.push_back(spec.output_name);
      m_steps.store(key, {b.record.argv, b.record.result}, dir, files);
    }
    return b;
  });
  auto ps = process(tool.path, spec, dir);
  ref.argv = {ps.exe.string()};
  ref.argv.insert(ref.argv.end(), ps.args.begin(), ps.args.end());
  return ref;
}

BuiltRef Builder::once_by(const std::string& key, const std::function<Built()>& build) {
  std::promise<std::shared_ptr<const Built>> promise;
  std::shared_future<std::shared_ptr<const Built>> earlier;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_cache.find(key);
    if (it != m_cache.end())
      earlier = it->second;
    else
      m_cache.emplace(key, promise.get_future().share());
  }
  if (earlier.valid())
    return {earlier.get(), true, {}}; // waits, outside the lock, if it is still being built
  try {
    auto built = std::make_shared<const Built>(build());
    promise.set_value(built);
    return {built, false, {}};
  } catch (...) {
    promise.set_exception(std::current_exception()); // cells waiting for it must not hang
    throw;
  }
}

ProcessSpec Builder::process(const std::filesystem::path& exe, const StepSpec& spec,
                             const std::filesystem::path& dir) const {
  ProcessSpec ps;
  ps.exe = exe;
  ps.args = spec.args;
  ps.args.push_back("-o");
  ps.args.push_back((dir / spec.output_name).string());
  ps.extra_env = spec.env;
  ps.cwd = dir;
  ps.timeout = spec.timeout;
  ps.output_cap = m_matrix.output_cap;
  return ps;
}

StepRecord Builder::run(Stage stage, const std::string& step, const ProcessSpec& spec) {
  if (interrupted()) {
    // Its cell is dropped; nothing new starts after Ctrl-C.
    StepRecord r;
    r.stage = stage;
    r.step = step;
    r.result.spawn_error = "interrupted before it started";
    return r;
  }
  JobSlots::Held slot(m_slots);
  return run_step(stage, step, spec);
}

Built Builder::execute(const std::filesystem::path& exe, const StepSpec& spec, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  Built b;
  b.output = dir / spec.output_name;
  auto ps = process(exe, spec, dir);
  b.record = run(spec.stage, spec.step, ps);
  b.outcome = judge_build(spec.stage, spec.tool, b.record.result, ps);
  return b;
}

} // namespace amx
