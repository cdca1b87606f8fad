#include "matrix/fixture_file.hpp"

#include "generate/fixture_source.hpp"
#include "matrix/signatures.hpp"
#include "model/property.hpp"
#include "model/target.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace amx {

namespace {

// flags: [regparm, reg-struct-return]: what the fixture makes observable.
void load_exercised(YamlReader& fr, const YAML::Node& root, Fixture& fx) {
  YAML::Node n = fr.required(root, "flags", "a fixture");
  if (!n.IsDefined())
    return;
  // A flag the matrix's catalogue lacks is one this matrix cannot vary;
  // tests keep the fixtures' lists in step with matrices/flags.yaml.
  for (auto& e : fr.scalar_list(n, "'flags'", root))
    fx.flags.push_back(e.value);
}

// checks: [{property: ibt-note, flag: cf-protection, values: [full]}]
void load_checks(YamlReader& fr, const YAML::Node& list, const YAML::Node& root,
                 const std::map<std::string, Flag>& catalogue, Fixture& fx) {
  if (!list.IsSequence()) {
    fr.error(list, "'checks' must be a list", root);
    return;
  }
  for (const auto& n : list) {
    if (!fr.check_map(n, "a check", {"property", "flag", "values"}, list))
      continue;
    PropertyCheck c;
    for (auto [key, out] : {std::pair{"property", &c.property}, {"flag", &c.flag}})
      if (YAML::Node v = fr.required(n, key, "a check"); v.IsDefined())
        *out = fr.scalar(v, fmt::format("'{}'", key), n).value_or("");
    if (!c.property.empty() && !is_known_property(c.property))
      fr.error(n["property"], fmt::format("unknown property '{}' (expected one of: {})", c.property,
                                          join(known_properties(), ", ")));
    auto flag = catalogue.find(c.flag);
    if (!c.flag.empty() && flag == catalogue.end()) {
      fr.error(n["flag"], fmt::format("unknown flag '{}' (not defined in any imported catalogue)", c.flag));
      continue;
    }
    if (!c.flag.empty() && std::find(fx.flags.begin(), fx.flags.end(), c.flag) == fx.flags.end())
      fr.error(n["flag"], fmt::format("check of flag '{}', which the fixture's 'flags' does not list", c.flag));
    // Without a known flag (missing, or refused above) there are no values
    // to check them against: the error for the flag is the one to show.
    if (n["values"].IsDefined() && !c.flag.empty())
      for (auto& e : fr.scalar_list(n["values"], "'values'", n)) {
        if (std::find(flag->second.values.begin(), flag->second.values.end(), e.value) == flag->second.values.end())
          fr.error(e.node, fmt::format("flag '{}' has no value '{}' (expected one of: {})", c.flag, e.value,
                                       join(flag->second.values, ", ")));
        c.values.push_back(e.value);
      }
    fx.checks.push_back(std::move(c));
  }
}

} // namespace

std::optional<Fixture> load_fixture(const std::string& name, const std::filesystem::path& fixtures_dir,
                                    const std::map<std::string, Flag>& catalogue, YamlReader& matrix,
                                    const YAML::Node& at, Diagnostics& diags) {
  // A folder's name, no path: "../x" or a 300-character name would reach
  // outside fixtures-dir or past what the file system can name.
  static const std::regex folder_name("[A-Za-z0-9_-]{1,64}");
  if (!std::regex_match(name, folder_name)) {
    matrix.error(at, fmt::format("fixture '{}' is not a fixture's folder name (1 to 64 letters, digits, '-' or '_')",
                                 name));
    return std::nullopt;
  }
  Fixture fx;
  fx.name = name;
  auto fdir = fixtures_dir / fx.name;
  auto yaml = fdir / "fixture.yaml";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(yaml, ec)) {
    matrix.error(at, fmt::format("unknown fixture '{}': {} {}", fx.name, yaml.string(),
                                 ec && ec != std::errc::no_such_file_or_directory ? "cannot be read: " + ec.message()
                                                                                  : "does not exist"));
    return std::nullopt;
  }
  YamlReader fr(yaml, diags);
  auto froot = fr.parse();
  if (froot && (*froot)["generate"].IsDefined()) {
    // Generated: the sources are made here, for every target, and
    // written by the builder; the cases are the generator's.
    if ((*froot)["cases"].IsDefined())
      fr.error((*froot)["cases"], "a generated fixture's cases are the generator's: leave out 'cases'");
    fx.signatures = load_signatures(fr, (*froot)["generate"], *froot);
    if (fx.signatures)
      for (const auto& t : known_targets())
        fx.generated[t.name] = generate_sources(fx.name, *fx.signatures, t);
  } else {
    fx.c_source = fdir / (fx.name + ".c");
    fx.rust_source = fdir / (fx.name + ".rs");
    for (const auto& src : {fx.c_source, fx.rust_source})
      if (!std::filesystem::is_regular_file(src, ec))
        matrix.error(at, fmt::format("fixture '{}' has no {}", fx.name, src.string()));
  }
  if (froot && fr.check_map(*froot, "a fixture", {"description", "targets", "cases", "flags", "checks", "generate"})) {
    load_exercised(fr, *froot, fx);
    if ((*froot)["checks"].IsDefined())
      load_checks(fr, (*froot)["checks"], *froot, catalogue, fx);
    if ((*froot)["description"].IsDefined())
      fx.description = fr.scalar((*froot)["description"], "'description'", *froot).value_or("");
    if ((*froot)["cases"].IsDefined())
      for (auto& c : fr.scalar_list((*froot)["cases"], "'cases'", *froot))
        fx.cases.push_back(c.value);
    if ((*froot)["targets"].IsDefined())
      for (auto& t : fr.scalar_list((*froot)["targets"], "'targets'", *froot)) {
        if (find_target(t.value))
          fx.targets.push_back(t.value);
        else
          fr.error(t.node, fmt::format("unknown target '{}' (expected one of: {})", t.value,
                                       join(known_target_names(), ", ")));
      }
  }
  return fx;
}

} // namespace amx
