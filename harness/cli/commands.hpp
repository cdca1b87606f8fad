#pragma once
// The command line: plan, run (cli/run_command), the queries (cli/query_commands). Returns the exit
// code: 0 all as expected, 1 unexpected results, 2 usage or configuration
// error, 130 interrupted.

namespace amx {

int run_cli(int argc, char** argv);

} // namespace amx
