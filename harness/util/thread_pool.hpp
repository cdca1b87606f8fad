#pragma once
// The one way work is spread over threads: items handed out in order to
// `jobs` workers. A throw in one item stops the hand-out, every worker is
// joined, and the first exception is rethrown in the caller, so no thread
// outlives an error and nothing reaches std::terminate.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace amx {

// Calls body(i) for each i in [0, n) on max(1, jobs) threads, until `stop`
// (when given) returns true. Returns how many items were started.
std::size_t parallel_for(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& body,
                         const std::function<bool()>& stop = {});

// At most n at once of what the threads share (child processes). A thread
// that waits for a step another thread is running holds no slot, so with
// more threads than slots every slot stays busy while work is ready.
class JobSlots {
public:
  explicit JobSlots(unsigned n) : m_free(std::max(1u, n)) {}
  // Holds a slot while it lives.
  class Held {
  public:
    explicit Held(JobSlots& s) : m_slots(s) { s.take(); }
    ~Held() { m_slots.give(); }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

  private:
    JobSlots& m_slots;
  };

private:
  void take();
  void give();

  std::mutex m_mutex;
  std::condition_variable m_freed;
  unsigned m_free;
};

} // namespace amx
