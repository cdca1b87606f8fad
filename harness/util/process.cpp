#include "util/process.hpp"

// Boost 1.81's process/v2 names boost::optional and boost::remove_pointer
// without including them when BOOST_PROCESS_USE_STD_FS is set.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>

#include <boost/asio/connect_pipe.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <functional>
#include <optional>
#include <csignal>
#include <cstring>
#include <mutex>
#include <set>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace amx {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Process groups of the children running now, for kill_running_children.
std::mutex g_children_mutex;
std::set<pid_t> g_children;

void kill_group(pid_t pgid) {
  if (pgid > 0)
    ::kill(-pgid, SIGKILL);
}

// Runs in the child between fork and exec.
struct ChildSetup {
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const std::filesystem::path&, const char* const*&) {
    ::setpgid(0, 0);
    // The harness blocks SIGINT/SIGTERM in its threads; a child must not inherit that.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // A crashing fixture under qemu-user would otherwise leave core files behind.
    struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    // Should the harness die (kill -9), the program goes with it rather
    // than hang on unwatched.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    return {};
  }
};

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; e++) {
    std::string_view kv(*e);
    // Only rustc gets RUSTC_BOOTSTRAP, and diagnostics are read in the C locale.
    if (kv.starts_with("RUSTC_BOOTSTRAP=") || kv.starts_with("LC_ALL="))
      continue;
    env.emplace_back(kv);
  }
  env.emplace_back("LC_ALL=C");
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

} // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult result;
  asio::io_context ctx;
  asio::readable_pipe out_read(ctx);
  asio::writable_pipe out_write(ctx);
  asio::connect_pipe(out_read, out_write);

  auto start = std::chrono::steady_clock::now();
  std::optional<bp::process> proc;
  try {
    // The pipe goes straight into the constructor: a named process_stdio would
    // keep the write end open and the read would never see EOF (boostorg/process#471).
    proc.emplace(ctx, spec.exe, spec.args, bp::process_stdio{nullptr, out_write, out_write},
                 bp::process_environment(child_environment(spec.extra_env)),
                 bp::process_start_dir(spec.cwd.empty() ? std::filesystem::current_path() : spec.cwd),
                 ChildSetup{});
  } catch (const boost::system::system_error& e) {
    result.spawn_error =
        std::string("exec failed: ") + e.code().message() + " (" + spec.exe.string() + ")";
    return result;
  }
  result.started = true;
  out_write.close();
  const pid_t pid = proc->id();
  ::setpgid(pid, pid); // also from the parent, so the group exists before any kill
  {
    std::lock_guard lock(g_children_mutex);
    g_children.insert(pid);
  }

  bool exited = false, eof = false;
  asio::steady_timer timer(ctx, spec.timeout);
  timer.async_wait([&](const bp::error_code& ec) {
    if (!ec) {
      result.timed_out = true;
      kill_group(pid);
    }
  });
  auto finish_if_done = [&] {
    if (exited && eof)
      timer.cancel();
  };

  std::array<char, 16384> buf;
  std::function<void(const bp::error_code&, std::size_t)> on_read =
      [&](const bp::error_code& ec, std::size_t n) {
        if (n > 0 && !result.output_capped) {
          std::size_t room = spec.output_cap - result.output.size();
          result.output.append(buf.data(), std::min(n, room));
          if (n > room) {
            result.output_capped = true;
            kill_group(pid);
          }
        }
        if (ec) {
          eof = true;
          finish_if_done();
          return;
        }
        out_read.async_read_some(asio::buffer(buf), on_read);
      };
  out_read.async_read_some(asio::buffer(buf), on_read);
  proc->async_wait([&](const bp::error_code&, int) {
    exited = true;
    finish_if_done();
  });
  ctx.run();

  result.elapsed = std::chrono::steady_clock::now() - start;
  int status = proc->native_exit_code();
  if (WIFSIGNALED(status))
    result.signal = WTERMSIG(status);
  else if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  {
    std::lock_guard lock(g_children_mutex);
    g_children.erase(pid);
  }
  kill_group(pid); // anything the child left behind in its group
  return result;
}

std::filesystem::path find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    std::filesystem::path p = std::filesystem::absolute(name);
    return ::access(p.c_str(), X_OK) == 0 ? p : std::filesystem::path{};
  }
  return bp::environment::find_executable(name);
}

void kill_running_children() {
  std::lock_guard lock(g_children_mutex);
  for (pid_t pgid : g_children)
    kill_group(pgid);
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

} // namespace amx
