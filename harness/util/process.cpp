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
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <fcntl.h>
#include <linux/close_range.h>
#include <map>
#include <sstream>
#include <sys/syscall.h>
#include <thread>
#include <functional>
#include <optional>
#include <csignal>
#include <cstring>
#include <mutex>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace amx {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

// Every child carries ABIMATRIX_OWNER=<our pid>.<serial> in its environment,
// and so do its descendants, even those that leave its process group or
// session: that is how a timeout, the end of a child and the guardian find them.
constexpr std::string_view kOwnerVar = "ABIMATRIX_OWNER=";

// Children running now (pid -> their token), for kill_running_children and
// for telling our own children from orphans that were reparented to us.
// Spawning holds the mutex, so a child is never seen before it is listed.
std::mutex g_children_mutex;
std::map<pid_t, std::string> g_children;
std::atomic<unsigned long> g_serial{0};
pid_t g_guardian = 0;
bool g_subreaper = false; // only then are children we did not start orphans

// How long the output may stay open after the child ended or was killed:
// past it, whatever still holds the pipe is not waited for.
constexpr auto kDrainGrace = std::chrono::seconds(2);

void kill_group(pid_t pgid) {
  if (pgid > 0)
    ::kill(-pgid, SIGKILL);
}

std::string owner_prefix(pid_t owner) { return std::string(kOwnerVar) + std::to_string(owner) + "."; }

std::string read_small_file(const std::string& path) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return text;
  std::array<char, 4096> buf;
  for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0 && text.size() < (1u << 20);)
    text.append(buf.data(), n);
  ::close(fd);
  return text;
}

// The ABIMATRIX_OWNER entry of a process's environment ("" if none).
std::string owner_token_of(pid_t pid) {
  std::string env = read_small_file("/proc/" + std::to_string(pid) + "/environ");
  for (std::size_t at = 0; at < env.size();) {
    std::size_t end = env.find('\0', at);
    if (end == std::string::npos)
      end = env.size();
    if (std::string_view(env).substr(at, end - at).starts_with(kOwnerVar))
      return env.substr(at, end - at);
    at = end + 1;
  }
  return "";
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
      pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return pids;
}

// SIGKILLs every process whose token matches, over and over until none is
// left: a process that forks between two passes is caught by the next.
void kill_tagged(const std::function<bool(std::string_view)>& matches) {
  for (int pass = 0; pass < 200; pass++) {
    bool found = false;
    for (pid_t pid : all_pids()) {
      if (pid == ::getpid())
        continue;
      std::string token = owner_token_of(pid);
      if (!token.empty() && matches(token)) {
        ::kill(pid, SIGKILL);
        found = true;
      }
    }
    if (!found)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Our own children, including orphans reparented to us as subreaper.
std::vector<pid_t> children_of_self() {
  std::vector<pid_t> kids;
  std::error_code ec;
  bool listed = false;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    if (!std::filesystem::exists(task.path() / "children"))
      break; // a kernel without CONFIG_PROC_CHILDREN
    listed = true;
    std::istringstream in(read_small_file((task.path() / "children").string()));
    for (pid_t pid; in >> pid;)
      kids.push_back(pid);
  }
  if (listed)
    return kids;
  for (pid_t pid : all_pids()) {
    std::string stat = read_small_file("/proc/" + std::to_string(pid) + "/stat");
    std::size_t close = stat.rfind(')');
    std::istringstream fields(close == std::string::npos ? "" : stat.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    if (fields >> state >> ppid && ppid == ::getpid())
      kids.push_back(pid);
  }
  return kids;
}

// Kills and reaps the orphans reparented to us whose child has ended (or
// that shed their token); an orphan of a child that still runs is left to it.
// Each killed orphan's own children come to us in turn, hence the loop.
void reap_orphans() {
  if (!g_subreaper)
    return;
  std::lock_guard lock(g_children_mutex);
  for (bool again = true; again;) {
    again = false;
    for (pid_t pid : children_of_self()) {
      if (g_children.contains(pid) || pid == g_guardian)
        continue;
      std::string token = owner_token_of(pid);
      bool owner_running = std::any_of(g_children.begin(), g_children.end(),
                                       [&](const auto& child) { return child.second == token; });
      if (owner_running)
        continue;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      again = true;
    }
  }
}

// Ends a child and everything it started: its group, every process that
// carries its token, and the orphans it left us.
void end_tree(pid_t pid, const std::string& token) {
  kill_group(pid);
  kill_tagged([&](std::string_view t) { return t == token; });
  reap_orphans();
}

// Runs in the child between vfork and exec: system calls only, since the
// child shares our memory until then.
struct ChildSetup {
  bool fixed_addresses;

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const std::filesystem::path&, const char* const*&) {
    ::setpgid(0, 0);
    if (fixed_addresses)
      ::personality(::personality(0xffffffff) | ADDR_NO_RANDOMIZE);
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
    // Only stdin, stdout and stderr reach the program: not another cell's
    // pipe (which would hold that cell's output open), nor our database.
    // Boost 1.81 closes only the descriptors above its own error pipe.
    // CLOEXEC rather than close: that error pipe must live until exec.
    if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
      for (int fd = 3, n = static_cast<int>(::sysconf(_SC_OPEN_MAX)); fd < n; fd++)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return {};
  }
};

// Starts a child with vfork: fork() would copy the harness's page tables and
// make its pages copy-on-write while its other threads run on, which cost a
// fifth of a cold run's CPU (page faults and TLB shootdowns) for thousands of
// short compiles. Boost's own vfork_launcher tells the io_context of the fork
// from the child, which shares our memory: its reactor would take the child's
// new epoll descriptor as its own. So this one leaves the io_context alone,
// and the child only makes system calls (ChildSetup, dup2, chdir) before exec.
struct VforkLauncher : bp::posix::default_launcher {
  template <typename Args, typename... Inits>
  bp::process operator()(asio::io_context& ctx, const std::filesystem::path& exe, Args&& args, Inits&&... inits) {
    auto argv = this->build_argv_(exe, std::forward<Args>(args));
    bp::error_code ec = bp::posix::detail::on_setup(*this, exe, argv, inits...);
    if (ec)
      throw boost::system::system_error(ec, "setup");
    volatile int child_errno = 0; // shared with the child until it execs or exits
    pid = ::vfork();
    if (pid == 0) {
      ec = bp::posix::detail::on_exec_setup(*this, exe, argv, inits...);
      if (!ec)
        ::execve(exe.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(env));
      child_errno = ec ? ec.value() : errno;
      ::_exit(127);
    }
    if (pid < 0)
      throw boost::system::system_error(bp::error_code(errno, boost::system::system_category()), "vfork");
    if (child_errno) {
      ::waitpid(pid, nullptr, 0);
      throw boost::system::system_error(bp::error_code(child_errno, boost::system::system_category()), "exec");
    }
    return bp::process(ctx.get_executor(), pid);
  }
};

std::vector<std::string> child_environment(const std::vector<std::string>& extra, const std::string& token) {
  std::vector<std::string> env;
  // A variable given in `extra` replaces the inherited one: the first of
  // two is the one getenv() finds.
  auto given = [&](std::string_view kv) {
    auto name = kv.substr(0, kv.find('=') + 1);
    return std::any_of(extra.begin(), extra.end(), [&](const std::string& e) { return e.starts_with(name); });
  };
  for (char** e = environ; *e; e++) {
    std::string_view kv(*e);
    // Only rustc gets RUSTC_BOOTSTRAP, and diagnostics are read in the C locale.
    if (kv.starts_with("RUSTC_BOOTSTRAP=") || kv.starts_with("LC_ALL=") || kv.starts_with(kOwnerVar) || given(kv))
      continue;
    env.emplace_back(kv);
  }
  env.emplace_back("LC_ALL=C");
  env.push_back(token);
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

  const std::string token = owner_prefix(::getpid()) + std::to_string(++g_serial);
  auto start = std::chrono::steady_clock::now();
  std::optional<bp::process> proc;
  pid_t pid = 0;
  try {
    std::lock_guard lock(g_children_mutex);
    // The pipe goes straight into the constructor: a named process_stdio would
    // keep the write end open and the read would never see EOF (boostorg/process#471).
    proc.emplace(VforkLauncher{}(ctx, spec.exe, spec.args, bp::process_stdio{nullptr, out_write, out_write},
                                 bp::process_environment(child_environment(spec.extra_env, token)),
                                 bp::process_start_dir(spec.cwd.empty() ? std::filesystem::current_path() : spec.cwd),
                                 ChildSetup{spec.fixed_addresses}));
    pid = proc->id();
    ::setpgid(pid, pid); // also from the parent, so the group exists before any kill
    g_children.emplace(pid, token);
  } catch (const boost::system::system_error& e) {
    result.spawn_error =
        std::string("exec failed: ") + e.code().message() + " (" + spec.exe.string() + ")";
    return result;
  }
  result.started = true;
  out_write.close();

  // The read ends at end-of-file, or kDrainGrace after the child ended or
  // was killed: a descendant that escaped every kill and holds the pipe
  // must not hold the harness.
  bool exited = false, eof = false;
  asio::steady_timer timer(ctx, spec.timeout), drain(ctx);
  auto stop_reading_soon = [&] {
    drain.expires_after(kDrainGrace);
    drain.async_wait([&](const bp::error_code& ec) {
      if (!ec)
        out_read.close();
    });
  };
  auto finish_if_done = [&] {
    if (exited && eof) {
      timer.cancel();
      drain.cancel();
    }
  };
  timer.async_wait([&](const bp::error_code& ec) {
    if (!ec) {
      result.timed_out = true;
      end_tree(pid, token);
      stop_reading_soon();
    }
  });

  std::array<char, 16384> buf;
  std::function<void(const bp::error_code&, std::size_t)> on_read =
      [&](const bp::error_code& ec, std::size_t n) {
        if (n > 0 && !result.output_capped) {
          std::size_t room = spec.output_cap - result.output.size();
          result.output.append(buf.data(), std::min(n, room));
          if (n > room) {
            result.output_capped = true;
            end_tree(pid, token);
            stop_reading_soon();
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
    {
      std::lock_guard lock(g_children_mutex);
      g_children.erase(pid);
    }
    // Whatever the child left running goes with it. As reaper we see what
    // it left (its orphans come to us); otherwise its token finds them.
    kill_group(pid);
    if (g_subreaper)
      reap_orphans();
    else
      kill_tagged([&](std::string_view t) { return t == token; });
    if (!eof)
      stop_reading_soon();
    finish_if_done();
  });
  ctx.run();

  result.elapsed = std::chrono::steady_clock::now() - start;
  int status = proc->native_exit_code();
  if (WIFSIGNALED(status))
    result.signal = WTERMSIG(status);
  else if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  return result;
}

std::filesystem::path find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    std::filesystem::path p = std::filesystem::absolute(name);
    return ::access(p.c_str(), X_OK) == 0 ? p : std::filesystem::path{};
  }
  return bp::environment::find_executable(name);
}

std::filesystem::path find_program(const std::vector<std::string>& names) {
  bp::error_code ec;
  auto path = bp::environment::get("PATH", ec);
  if (ec)
    return {};
  for (auto entry : path) {
    const std::filesystem::path dir(entry.begin(), entry.end());
    if (!dir.is_absolute())
      continue;
    for (const auto& name : names)
      if (::access((dir / name).c_str(), X_OK) == 0)
        return dir / name;
  }
  return {};
}

void kill_running_children() {
  {
    std::lock_guard lock(g_children_mutex);
    for (const auto& child : g_children)
      kill_group(child.first);
  }
  const std::string ours = owner_prefix(::getpid());
  kill_tagged([&](std::string_view token) { return token.starts_with(ours); });
}

void guard_descendants() {
  // Orphans of our children come to us, not to init: reap_orphans ends them.
  g_subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  // The guardian outlives us however we end (kill -9 included): when the
  // pipe tells it we are gone, it kills every process that carries our token.
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return;
  const pid_t harness = ::getpid();
  const pid_t guardian = ::fork();
  if (guardian == 0) {
    ::close(pipe_fds[1]);
    // It must not hold our stdout (a reader waits for its end) nor die of
    // the Ctrl-C that the terminal sends to the whole group.
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
      ::dup2(null, fd);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
      ::signal(sig, SIG_IGN);
    ::prctl(PR_SET_NAME, "abimatrix-guard");
    char byte;
    while (::read(pipe_fds[0], &byte, 1) < 0 && errno == EINTR) {
    }
    const std::string ours = owner_prefix(harness);
    kill_tagged([&](std::string_view token) { return token.starts_with(ours); });
    ::_exit(0);
  }
  ::close(pipe_fds[0]);
  if (guardian > 0)
    g_guardian = guardian; // the write end stays open, unused, until we end
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

} // namespace amx
