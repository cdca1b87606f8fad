#pragma once
// The linker a C compiler's driver runs for our programs (-static
// -nostdlib) and the arguments it passes, so a link runs the linker itself:
// one process instead of the driver (and, for gcc, collect2) and the
// linker. The driver is asked once per compiler and target, with -###, to
// link a stand-in input into a stand-in output.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amx {

// The last command a `driver -###` printed (the link), split into words as
// the driver quoted them ("a\"b" -> a"b); nullopt when it printed none.
std::optional<std::vector<std::string>> last_driver_command(std::string_view output);

// The linker's arguments from that command: the stand-in input replaced by
// `inputs`, `-o output` left out (the caller names the output), and
// collect2's LTO plugin options left out (nothing linked here is LTO, and
// its -fresolution file is the driver's temporary). nullopt when the
// stand-in input or output is not in it.
std::optional<std::vector<std::string>> linker_args(const std::vector<std::string>& command,
                                                    const std::string& stand_in_input,
                                                    const std::string& stand_in_output,
                                                    const std::vector<std::string>& inputs);

} // namespace amx
