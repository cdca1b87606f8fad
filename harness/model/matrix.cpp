#include "model/matrix.hpp"

#include "model/enum_names.hpp"

#include <algorithm>

namespace amx {

namespace {
constexpr std::array<const char*, 5> kPairingNames = {"matched", "c-only", "rust-only", "one-off", "cross"};
constexpr std::array<const char*, 3> kProfilePairingNames = {"matched", "rust-drops-one", "c-drops-one"};
} // namespace

std::string to_string(Pairing p) { return name_of(p, kPairingNames); }
std::string to_string(ProfilePairing p) { return name_of(p, kProfilePairingNames); }
std::optional<Pairing> parse_pairing(const std::string& s) { return value_named<Pairing>(s, kPairingNames); }
std::optional<ProfilePairing> parse_profile_pairing(const std::string& s) {
  return value_named<ProfilePairing>(s, kProfilePairingNames);
}

std::optional<Family> c_compiler_family(const std::string& name) {
  if (name.starts_with("clang"))
    return Family::clang;
  if (name.starts_with("gcc"))
    return Family::gcc;
  return std::nullopt;
}

const std::vector<std::string>& Fixture::cases_on(const std::string& target) const {
  static const std::vector<std::string> none;
  if (!signatures)
    return cases;
  auto it = generated.find(target);
  return it == generated.end() ? none : it->second.cases;
}

std::vector<const Flag*> Matrix::flags_in_use() const {
  std::vector<std::string> names;
  auto add = [&](const Setting& s) {
    for (const auto& [flag, value] : s)
      if (value != "off" && std::find(names.begin(), names.end(), flag) == names.end())
        names.push_back(flag);
  };
  for (const auto& used : flags)
    names.push_back(used.name);
  for (const auto& profile : profiles) {
    add(profile_catalogue.at(profile).flags);
    add(profile_catalogue.at(profile).c_only);
  }
  for (const auto& inc : includes) {
    add(inc.c);
    add(inc.rust);
  }
  std::vector<const Flag*> out;
  for (const auto& name : names)
    out.push_back(&catalogue.at(name));
  return out;
}

} // namespace amx
