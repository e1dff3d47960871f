// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CreditGate: the credits for one stream's in-flight requests, counted in
// requests and in bytes.

#pragma once

#include <cstdint>

namespace sluice::actors {

/// Counts the requests and the bytes a stream has in flight toward its model
/// against two limits: a request count, and a byte budget (0: none). Small
/// requests are held back by the count, large ones by the bytes, so a stream
/// can queue many small readings without being allowed as many large chunks.
/// Not thread-safe by design: it is owned by one actor and touched only from
/// that actor's turns.
///
/// Hysteresis: once the gate closes (a limit reached), it reopens only when
/// half of each limit is free again, not at the first credit back. A stream
/// whose model keeps up then resumes reading a batch of requests at a time.
/// Without it, every credit returned by the model's thread restarted one
/// read, and each restart woke a gRPC callback thread to read one request.
///
/// The limits may change while credits are in use (a live config change); a
/// lowered limit takes effect as in-flight work completes, never by revoking.
class CreditGate {
 public:
  explicit CreditGate(uint32_t limit, uint64_t byte_limit = 0)
      : limit_(limit == 0 ? 1 : limit), byte_limit_(byte_limit) {}

  /// Takes one credit for a request of `bytes`; returns false (and takes
  /// nothing) when no credit is available().
  bool TryAcquire(uint64_t bytes = 0) {
    if (!available()) return false;
    Take(bytes);
    return true;
  }
  /// Takes a credit for a request already read. The read was started with a
  /// credit available, but a limit lowered since (or the request's own size)
  /// may leave none: the request is still served and counted, and in_use()
  /// or bytes_in_use() exceed their limits until enough work completes.
  void Take(uint64_t bytes = 0) {
    ++in_use_;
    bytes_in_use_ += bytes;
    if (!UnderLimits()) refilling_ = true;
  }
  /// Returns the credits of `count` requests of `bytes` in all, taken by
  /// TryAcquire() or Take().
  void Release(uint64_t bytes = 0, uint32_t count = 1) {
    in_use_ -= count < in_use_ ? count : in_use_;
    bytes_in_use_ -= bytes < bytes_in_use_ ? bytes : bytes_in_use_;
    if (refilling_ && HalfFree()) refilling_ = false;
  }
  /// True when one more request may be read: under the count, and under the
  /// byte budget or with nothing in flight (so a request larger than the
  /// budget still gets through, alone); and, after the gate closed, once
  /// half of each limit is free again.
  bool available() const { return !refilling_ && UnderLimits(); }
  uint32_t in_use() const { return in_use_; }
  uint32_t limit() const { return limit_; }
  uint64_t bytes_in_use() const { return bytes_in_use_; }
  uint64_t byte_limit() const { return byte_limit_; }
  void set_limit(uint32_t limit) {
    limit_ = limit == 0 ? 1 : limit;
    Recheck();
  }
  void set_byte_limit(uint64_t byte_limit) {
    byte_limit_ = byte_limit;
    Recheck();
  }

 private:
  bool UnderLimits() const {
    if (in_use_ >= limit_) return false;
    return byte_limit_ == 0 || in_use_ == 0 || bytes_in_use_ < byte_limit_;
  }
  // The reopening mark: at most half of each limit in use (nothing in use
  // always qualifies, so a limit of 1, or one request larger than the budget,
  // reopens as soon as its credit is back).
  bool HalfFree() const {
    if (in_use_ == 0) return true;
    if (in_use_ > limit_ / 2) return false;
    return byte_limit_ == 0 || bytes_in_use_ <= byte_limit_ / 2;
  }
  // A changed limit: a gate now over it closes; a refilling one now half
  // free reopens.
  void Recheck() {
    if (!UnderLimits()) {
      refilling_ = true;
    } else if (refilling_ && HalfFree()) {
      refilling_ = false;
    }
  }

  uint32_t limit_;
  uint64_t byte_limit_;
  uint32_t in_use_ = 0;
  uint64_t bytes_in_use_ = 0;
  bool refilling_ = false;  // Closed since a limit was reached; see the class comment.
};

}  // namespace sluice::actors
