#include "util/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace amx {

std::size_t parallel_for(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& body,
                         const std::function<bool()>& stop) {
  std::atomic<std::size_t> next{0}, started{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    while (!failed && !(stop && stop())) {
      std::size_t i = next++;
      if (i >= n)
        return;
      started++;
      try {
        body(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error)
          error = std::current_exception();
        failed = true;
      }
    }
  };
  unsigned threads_wanted = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, jobs), std::max<std::size_t>(n, 1)));
  std::vector<std::thread> threads;
  try {
    for (unsigned j = 1; j < threads_wanted; j++)
      threads.emplace_back(worker);
  } catch (...) {
    failed = true; // no thread could be made: finish with those there are
    for (auto& t : threads)
      t.join();
    throw;
  }
  worker();
  for (auto& t : threads)
    t.join();
  if (error)
    std::rethrow_exception(error);
  return started;
}

void JobSlots::take() {
  std::unique_lock lock(m_mutex);
  m_freed.wait(lock, [&] { return m_free > 0; });
  m_free--;
}

void JobSlots::give() {
  {
    std::lock_guard lock(m_mutex);
    m_free++;
  }
  m_freed.notify_one();
}

} // namespace amx
