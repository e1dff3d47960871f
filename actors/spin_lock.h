// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SpinLock: a lock for critical sections of a few instructions, such as a
// mailbox's push.

#pragma once

#include <atomic>
#include <thread>

namespace sluice::actors {

/// A test-and-test-and-set lock that spins briefly, then yields the CPU.
///
/// Why not std::mutex: a mailbox takes its lock twice per message (the push,
/// and the owner's swap of the batch), and an uncontended pthread mutex
/// lock-unlock pair costs about 60 instructions against this one's two
/// atomic operations (counted: docs/benchmarks.md). SObjectizer guards its
/// message queues the same way. It suits only sections that never block and
/// are over in well under a microsecond; a holder preempted mid-section costs
/// the waiters a yield, not a sleep.
///
/// Threads: any. Meets BasicLockable, for std::lock_guard.
class SpinLock {
 public:
  SpinLock() = default;
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void lock() {
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    LockContended();
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  // Spins reading (not writing, which would bounce the cache line between
  // the waiters) until the lock looks free, then tries again; after a while
  // yields instead, in case the holder was preempted.
  void LockContended() {
    constexpr int kSpinsBeforeYield = 64;
    int spins = 0;
    do {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinsBeforeYield) {
          Relax();
        } else {
          std::this_thread::yield();
        }
      }
    } while (locked_.exchange(true, std::memory_order_acquire));
  }

  static void Relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  std::atomic<bool> locked_{false};
};

}  // namespace sluice::actors
