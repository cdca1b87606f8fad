#include "run/reduce.hpp"

#include "compile/commands.hpp"
#include "generate/values.hpp"
#include "run/minimize.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace amx {

std::vector<StandaloneCommand> standalone_commands(const Cell& cell, const CellPlan& plan, const Timeouts& t) {
  const Target& target = *cell.target;
  auto c_args = c_base_args(*cell.c_compiler, target);
  c_args.insert(c_args.end(), plan.c_args.begin(), plan.c_args.end());
  for (auto a : {"-c", "c.c", "-o", "c.o"})
    c_args.emplace_back(a);

  auto flags = plan.rust_args;
  if (plan.rust_spec)
    for (auto& f : flags)
      if (f.starts_with("--target="))
        f = "--target=target.json";
  auto rust = rust_args("lib", "r", target, flags);
  for (auto a : {"--emit=obj", "-o", "r.o", "r.rs"})
    rust.emplace_back(a);

  auto link = link_driver_args(*cell.c_compiler, target);
  for (auto a : {"c.o", "r.o", "-o", "prog"})
    link.emplace_back(a);

  auto run = program_command(*plan.runner, target, "./prog");
  // The no_core crate needs a nightly feature on any rustc.
  return {{"compile-c", plan.cc->path, c_args, {}, t.compile},
          {"compile-rust", plan.rustc->path, rust, {"RUSTC_BOOTSTRAP=1"}, t.compile},
          {"link", plan.cc->path, link, {}, t.link},
          {"run", run[0], {run.begin() + 1, run.end()}, {}, t.run}};
}

void read_checks(const std::string& output, Observation& o) {
  for (const auto& line : split_lines(output)) {
    auto words = split_words(line);
    if (words.size() != 4 || (words[0] != "ok" && words[0] != "fail") || !words[2].starts_with("expected=0x") ||
        !words[3].starts_with("got=0x"))
      continue;
    auto hex = [](const std::string& s) { return std::stoull(s.substr(s.find("0x") + 2), nullptr, 16); };
    o.values[words[1]] = {hex(words[2]), hex(words[3])};
    if (words[0] == "fail")
      o.failing.push_back(words[1]);
  }
}

Observation run_standalone(const std::vector<StandaloneCommand>& commands, const std::filesystem::path& dir,
                           const StandaloneSources& sources, const std::optional<SourceFile>& rust_spec) {
  std::filesystem::create_directories(dir);
  write_file(dir / "c.c", sources.c, "the reduced C file");
  write_file(dir / "r.rs", sources.rust, "the reduced Rust file");
  if (rust_spec)
    write_file(dir / "target.json", rust_spec->text, "the Rust target specification");
  Observation o;
  for (const auto& cmd : commands) {
    // A run starts with fixed addresses, as a cell's run does.
    auto r = run_process({dir / cmd.exe, cmd.args, cmd.env, dir, cmd.timeout, 1 << 20, cmd.step == "run"});
    o.output = r.started ? r.output : r.spawn_error;
    if (cmd.step == "run") {
      o.exit_code = r.exit_code;
      o.signal = r.signal;
      o.timed_out = r.timed_out;
      read_checks(r.output, o);
    } else if (!r.ok()) {
      o.failed_step = cmd.step;
      return o;
    }
  }
  return o;
}

bool fails_as(const Observation& o, const Wanted& w) {
  if (!o.failed_step.empty())
    return false;
  if (w.timed_out)
    return o.timed_out;
  if (!w.signal.empty())
    return o.signal && signal_name(o.signal) == w.signal;
  return !o.signal && !o.timed_out && std::find(o.failing.begin(), o.failing.end(), w.check) != o.failing.end();
}

std::string describe(const Wanted& w) {
  if (w.timed_out)
    return "the program hangs";
  if (!w.signal.empty())
    return "the program dies by " + w.signal;
  return w.check + " gets a wrong value";
}

std::string standalone_check_name(const std::string& test, const std::string& property) {
  return property.starts_with(test + ".") ? property.substr(test.size() + 1) : property;
}

namespace {

// "a3.f1[2].f0" -> a3, f1[2], f0.
std::vector<std::string> parts_of(const std::string& check) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= check.size() && !check.empty()) {
    auto dot = check.find('.', from);
    out.push_back(check.substr(from, dot - from));
    if (dot == std::string::npos)
      break;
    from = dot + 1;
  }
  return out;
}

StructSpec* find_struct(Call& call, const std::string& name) {
  for (auto& s : call.structs)
    if (s.name == name)
      return &s;
  return nullptr;
}

// The fields a check's path runs through, by struct ("a3.f1[2].f0": f1 of
// a3's struct, f0 of f1's), with the array index it takes in each.
std::map<std::string, std::map<std::string, std::size_t>> fields_on_path(Call& call, const std::string& check) {
  std::map<std::string, std::map<std::string, std::size_t>> out;
  auto parts = parts_of(check);
  if (parts.empty())
    return out;
  std::string type = parts[0] == "r" ? call.returns : "";
  for (const auto& [name, t] : call.params)
    if (name == parts[0])
      type = t;
  for (std::size_t i = 1; i < parts.size(); i++) {
    auto* s = find_struct(call, type);
    if (!s)
      break;
    auto bracket = parts[i].find('[');
    auto field = parts[i].substr(0, bracket);
    std::size_t index = bracket == std::string::npos ? 0 : std::stoul(parts[i].substr(bracket + 1));
    out[s->name][field] = index;
    type.clear();
    for (const auto& f : s->fields)
      if (f.name == field)
        type = f.type;
  }
  return out;
}

// The leaf a check reads: "a1.lo" is the 128-bit a1.
std::string leaf_of(const std::string& check) {
  for (std::string half : {".lo", ".hi"})
    if (check.ends_with(half))
      return check.substr(0, check.size() - half.size());
  return check;
}

} // namespace

Call reduce_call(Call call, const Wanted& wanted, const Target& target,
                 const std::function<bool(const Call&, const std::string&)>& fails) {
  // Each field keeps its name as others go, so the check's path still fits.
  for (auto& s : call.structs)
    for (std::size_t i = 0; i < s.fields.size(); i++)
      s.fields[i].name = field_name(s, i);
  keep_named_structs(call);
  const auto& attempt = fails;

  // The parameters: the checked one stays.
  const auto parts = parts_of(wanted.check);
  const std::string checked = parts.empty() ? "" : parts[0];
  std::vector<std::string> others;
  for (const auto& p : call.params)
    if (p.first != checked)
      others.push_back(p.first);
  auto with_params = [&](const std::vector<std::string>& kept) {
    Call c = call;
    std::erase_if(c.params, [&](const auto& p) {
      return p.first != checked && std::find(kept.begin(), kept.end(), p.first) == kept.end();
    });
    keep_named_structs(c);
    return c;
  };
  auto params_text = [](const std::vector<std::string>& kept) {
    return kept.empty() ? std::string("none") : join(kept, ", ");
  };
  if (!others.empty()) {
    std::vector<std::string> before; // those ahead of the checked one
    for (const auto& p : call.params) {
      if (p.first == checked)
        break;
      before.push_back(p.first);
    }
    if (attempt(with_params({}), "only " + (checked.empty() ? "no parameter" : checked))) {
      others.clear();
    } else if (!checked.empty() && !before.empty() && before.size() < others.size() &&
               attempt(with_params(before), "parameters up to " + checked)) {
      others = before;
    }
    if (!others.empty())
      others = ddmin(others, [&](const std::vector<std::string>& kept) {
        return attempt(with_params(kept), "other parameters " + params_text(kept));
      });
    call = with_params(others);
  }

  // The fields of each struct: those on the check's path stay, and a
  // union's first member, which sets and reads it.
  const auto path = fields_on_path(call, leaf_of(wanted.check));
  // Outer structs first: a field they drop may take a whole inner struct.
  std::vector<std::string> names;
  for (const auto& s : call.structs)
    names.insert(names.begin(), s.name);
  for (const auto& name : names) {
    const StructSpec* found = find_struct(call, name);
    if (!found)
      continue;
    const StructSpec s = *found;
    std::vector<std::string> needed, optional;
    for (std::size_t i = 0; i < s.fields.size(); i++) {
      bool on_path = path.contains(name) && path.at(name).contains(s.fields[i].name);
      (on_path || (s.is_union && i == 0) ? needed : optional).push_back(s.fields[i].name);
    }
    if (optional.empty())
      continue;
    auto with_fields = [&](const std::vector<std::string>& kept) {
      Call c = call;
      std::erase_if(find_struct(c, name)->fields, [&](const FieldSpec& f) {
        return std::find(needed.begin(), needed.end(), f.name) == needed.end() &&
               std::find(kept.begin(), kept.end(), f.name) == kept.end();
      });
      keep_named_structs(c);
      return c;
    };
    std::vector<std::string> kept = optional;
    if (!needed.empty() && attempt(with_fields({}), fmt::format("{}: only {}", name, join(needed, ", "))))
      kept.clear();
    else if (optional.size() > 1)
      kept = ddmin(optional, [&](const std::vector<std::string>& k) {
        return attempt(with_fields(k), fmt::format("{}: fields {}{}", name, needed.empty() ? "" : join(needed, ", ") + ", ",
                                                   join(k, ", ")));
      });
    call = with_fields(kept);
  }

  // The arrays: the fewest elements, up to the one the check reads.
  for (auto& s : call.structs)
    for (auto& f : s.fields) {
      std::size_t least = 1;
      if (path.contains(s.name) && path.at(s.name).contains(f.name))
        least = path.at(s.name).at(f.name) + 1;
      for (std::size_t n = least; n < f.count; n++) {
        Call c = call;
        find_struct(c, s.name)->fields[&f - s.fields.data()].count = n;
        if (attempt(c, fmt::format("{}.{}: {} elements", s.name, f.name, n))) {
          f.count = n;
          break;
        }
      }
    }

  // The values: every one but the checked one zero, where that still fails.
  std::vector<std::string> set;
  for (const auto& value : ValueWriter(call.structs, target.pointer_bytes).leaves_of(call))
    for (const auto& l : value)
      if (l.path != leaf_of(wanted.check) && (l.lo || l.hi))
        set.push_back(l.path);
  auto with_values = [&](const std::vector<std::string>& kept) {
    Call c = call;
    for (const auto& p : set)
      if (std::find(kept.begin(), kept.end(), p) == kept.end())
        c.bits[p] = {0, 0};
    return c;
  };
  if (!set.empty()) {
    std::vector<std::string> kept;
    if (!attempt(with_values({}), "every other value zero"))
      kept = set.size() > 1 ? ddmin(set,
                                    [&](const std::vector<std::string>& k) {
                                      return attempt(with_values(k), "values kept: " + join(k, ", "));
                                    })
                            : set;
    call = with_values(kept);
  }
  return call;
}

} // namespace amx
