#pragma once
// Shell completion and the manual page, both written from the command
// line's own definition (the CLI11 app), so neither falls behind it.

#include <CLI/CLI.hpp>

#include <string>

namespace amx {

// A completion script for "bash" or "zsh" (bash's, through bashcompinit):
// subcommands, each one's options, files for the rest.
std::string completion_script(const CLI::App& app, const std::string& shell);

// abimatrix(1) in roff: every subcommand with its arguments and options,
// and the exit codes.
std::string man_page(const CLI::App& app, const std::string& version);

} // namespace amx
