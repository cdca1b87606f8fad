// abimatrix: the thin entry point; everything lives in the core library.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return amx::run_cli(argc, argv); }
