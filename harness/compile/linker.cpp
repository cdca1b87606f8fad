#include "compile/linker.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace amx {

std::optional<std::vector<std::string>> last_driver_command(std::string_view output) {
  // A command line starts with a space: ` "/usr/bin/ld.lld" "-m" ...`.
  std::optional<std::vector<std::string>> last;
  for (const auto& line : split_lines(output))
    if (line.starts_with(' '))
      if (auto words = split_command(line); words && !words->empty())
        last = std::move(words);
  return last;
}

std::optional<std::vector<std::string>> linker_args(const std::vector<std::string>& command,
                                                    const std::string& stand_in_input,
                                                    const std::string& stand_in_output,
                                                    const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  bool input_seen = false, output_seen = false;
  for (std::size_t i = 1; i < command.size(); i++) {
    const auto& a = command[i];
    if (a == "-plugin" && i + 1 < command.size()) {
      i++;
    } else if (a.starts_with("-plugin-opt=")) {
    } else if (a == "-o" && i + 1 < command.size() && command[i + 1] == stand_in_output) {
      i++;
      output_seen = true;
    } else if (a == stand_in_input) {
      out.insert(out.end(), inputs.begin(), inputs.end());
      input_seen = true;
    } else {
      out.push_back(a);
    }
  }
  if (!input_seen || !output_seen)
    return std::nullopt;
  return out;
}

} // namespace amx
