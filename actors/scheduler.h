// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// AsioScheduler: a named Boost.Asio thread pool that actors run on.

#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/thread_pool.hpp>

namespace sluice::actors {

/// A fixed-size Boost.Asio thread pool.
///
/// Ownership: owned by the engine; it must outlive every actor that uses its
/// executor (the engine joins it only after every stream has ended).
/// Threads: executor() and Join() are thread-safe; Join() must not be called
/// from one of the pool's own threads.
class AsioScheduler {
 public:
  explicit AsioScheduler(uint32_t threads);
  ~AsioScheduler();
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }
  uint32_t threads() const { return threads_; }

  /// Runs the work already posted, then joins the threads. Idempotent.
  void Join();

 private:
  const uint32_t threads_;
  boost::asio::thread_pool pool_;
};

}  // namespace sluice::actors
