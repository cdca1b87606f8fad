#pragma once
// Ctrl-C and SIGTERM: a watcher thread turns them into a flag that the
// runner polls between cells, and kills the children running at that moment.

namespace amx {

class InterruptWatcher {
public:
  // Guards our descendants (guard_descendants), blocks SIGINT/SIGTERM in the
  // calling thread (and the threads it starts later) and starts the watcher.
  // Construct it before any other thread.
  InterruptWatcher();
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;
};

bool interrupted();

// For tests: sets the flag as a signal would.
void request_interrupt();

} // namespace amx
