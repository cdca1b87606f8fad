#include "util/interrupt.hpp"

#include "util/process.hpp"

#include <atomic>
#include <csignal>
#include <pthread.h>
#include <thread>

namespace amx {

namespace {
std::atomic<bool> g_interrupted{false};
std::thread g_watcher;

sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1); // our own wake-up at shutdown
  return set;
}
} // namespace

InterruptWatcher::InterruptWatcher() {
  guard_descendants(); // forks: must come before the watcher thread
  sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  g_watcher = std::thread([set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0 || sig == SIGUSR1)
        return;
      request_interrupt();
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  pthread_kill(g_watcher.native_handle(), SIGUSR1);
  g_watcher.join();
}

bool interrupted() { return g_interrupted.load(); }

void request_interrupt() {
  g_interrupted.store(true);
  kill_running_children();
}

} // namespace amx
