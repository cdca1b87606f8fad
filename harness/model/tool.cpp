#include "model/tool.hpp"

#include <fmt/format.h>

#include <set>

namespace amx {

std::vector<std::string> tool_differences(const std::vector<Tool>& before, const std::vector<Tool>& after) {
  auto lines = [](const std::vector<Tool>& tools) {
    std::set<std::string> out;
    for (const auto& t : tools)
      out.insert(fmt::format("{} {} {}: {}", t.role, t.name, t.path.string(), t.version));
    return out;
  };
  auto a = lines(before), b = lines(after);
  std::vector<std::string> out;
  for (const auto& t : a)
    if (!b.count(t))
      out.push_back("- " + t);
  for (const auto& t : b)
    if (!a.count(t))
      out.push_back("+ " + t);
  return out;
}

std::string c_compiler_binary(const CCompiler& cc, const Target& t) {
  return cc.family == Family::gcc ? t.gcc_prefix + "-" + cc.name : cc.name;
}

std::string c_compiler_binary(const std::string& compiler, const std::string& target) {
  auto family = c_compiler_family(compiler);
  const Target* t = find_target(target);
  return family && t ? c_compiler_binary({compiler, *family}, *t) : compiler;
}

} // namespace amx
