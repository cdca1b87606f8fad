#pragma once
// Runs one child process the way every tool under test is run: an absolute
// path, no shell, stdin from /dev/null, only descriptors 0-2, its own process
// group, a timeout that kills it and every descendant (those that left the
// group too), and stdout+stderr captured together up to a cap.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace amx {

struct ProcessSpec {
  std::filesystem::path exe; // absolute
  std::vector<std::string> args;
  std::vector<std::string> extra_env; // "KEY=VALUE", added to a cleaned copy of ours
  std::filesystem::path cwd;          // empty: inherit
  std::chrono::milliseconds timeout{60'000};
  std::size_t output_cap = 1 << 20;
  // No address space randomization (personality ADDR_NO_RANDOMIZE), so a
  // wrong value that is a stack address reads the same in every run, with
  // QEMU or without.
  bool fixed_addresses = false;
};

struct ProcessResult {
  bool started = false;
  std::string spawn_error; // set when !started
  int exit_code = -1;      // valid when it exited normally
  int signal = 0;          // the signal that ended it, 0 if none
  bool timed_out = false;
  bool output_capped = false; // it printed more than output_cap and was killed
  std::string output;
  std::chrono::duration<double> elapsed{};

  bool ok() const { return started && !timed_out && !output_capped && signal == 0 && exit_code == 0; }
};

ProcessResult run_process(const ProcessSpec& spec);

// Looks a program up on PATH (or checks an absolute path); empty if absent.
std::filesystem::path find_program(const std::string& name);
// The first absolute folder on PATH that has any of `names`, and there the
// first of them it has; empty if none is on PATH.
std::filesystem::path find_program(const std::vector<std::string>& names);

// Kills every child that is running now, and all they started. Called when
// the user interrupts the run; safe to call from any thread.
void kill_running_children();

// Makes this process the reaper of its orphaned descendants and starts a
// guardian process that kills every descendant left when this process ends,
// however it ends (kill -9 included). Call once, before any thread starts.
void guard_descendants();

// "SIGSEGV" for 11, etc.
std::string signal_name(int sig);

} // namespace amx
