#pragma once
// The command line (cli/subcommands.hpp lists the subcommands). Returns the
// exit code: 0 all as expected, 1 unexpected results, 2 usage or
// configuration error (every exception ends here as one), 130 interrupted.

namespace amx {

int run_cli(int argc, char** argv);

} // namespace amx
