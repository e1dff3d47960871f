// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// AsioScheduler: a named Boost.Asio thread pool that actors run on.

#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/thread_pool.hpp>

namespace sluice::actors {

/// The Linux scheduling policy of a pool's threads.
enum class ThreadPolicy {
  /// SCHED_OTHER, the default of every thread.
  kNormal,
  /// SCHED_BATCH: a pool thread woken by a running thread does not preempt
  /// it on wake-up; it runs when that thread blocks, on another idle core, or
  /// at the end of a time slice. A gRPC callback thread that wakes an actor
  /// therefore usually finishes the completions it has before the pool runs,
  /// and the actor drains them in one turn: fewer context switches per
  /// message where a core is shared. On an idle core a woken thread runs at
  /// once, as before. Under EEVDF (Linux 6.6 and later) the woken thread can
  /// still run first when the running one is past its time slice (seen on
  /// 6.18: docs/benchmarks.md, "What decides ingest x1's mode").
  kBatch,
};

/// A fixed-size Boost.Asio thread pool.
///
/// Ownership: owned by the engine; it must outlive every actor that uses its
/// executor (the engine joins it only after every stream has ended).
/// Threads: executor(), threads(), policy_failures() and Join() are
/// thread-safe; Join() must not be called from one of the pool's own threads.
class AsioScheduler {
 public:
  /// Starts `threads` threads (at least 1) and, for kBatch, sets the policy
  /// on each before returning.
  explicit AsioScheduler(uint32_t threads, ThreadPolicy policy = ThreadPolicy::kNormal);
  ~AsioScheduler();
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }
  uint32_t threads() const { return threads_; }

  /// Threads whose policy could not be set (the kernel or a sandbox refused
  /// it); they run under SCHED_OTHER. 0 for kNormal.
  uint32_t policy_failures() const { return policy_failures_; }

  /// Runs the work already posted, then joins the threads. Idempotent.
  void Join();

 private:
  const uint32_t threads_;
  boost::asio::thread_pool pool_;
  uint32_t policy_failures_ = 0;  // Written only in the constructor.
};

}  // namespace sluice::actors
