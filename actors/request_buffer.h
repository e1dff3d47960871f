// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// RequestBuffer: a request message that travels by pointer from the read
// that filled it, through the stream and session actors, to the model; and
// the cache that lets a later read reuse it.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "sluice/v1/inference.pb.h"

namespace sluice::actors {

/// One request, read by the transport into `message`.
///
/// Ownership: one owner at a time, through RequestPtr: the transport while
/// gRPC reads into it, then the ReadDone message, the stream actor, the
/// SessionRequest and the session's work. Once the model has run it, the
/// session recycles it (RequestBufferCache), and a later read, of this
/// stream or another, reuses it.
struct RequestBuffer {
  v1::InferRequest message;
  std::unique_ptr<RequestBuffer> next;  // The link of a RequestList; null elsewhere.
};
using RequestPtr = std::unique_ptr<RequestBuffer>;

/// Buffers linked through RequestBuffer::next, newest first.
/// Ownership: owns its buffers. Threads: whoever owns it.
class RequestList {
 public:
  RequestList() = default;
  RequestList(const RequestList&) = delete;
  RequestList& operator=(const RequestList&) = delete;
  ~RequestList() { Clear(); }

  /// Precondition: `buffer` is not null.
  void Push(RequestPtr buffer) {
    buffer->next = std::move(head_);
    head_ = std::move(buffer);
  }

  /// The newest buffer, unlinked, or null when the list is empty.
  RequestPtr Pop() {
    if (head_ == nullptr) return nullptr;
    RequestPtr buffer = std::move(head_);
    head_ = std::move(buffer->next);
    return buffer;
  }

  bool empty() const { return head_ == nullptr; }

  /// Frees every buffer, one at a time (no recursion through the links).
  void Clear() {
    while (Pop() != nullptr) {
    }
  }

 private:
  RequestPtr head_;
};

/// Spent request buffers kept for reuse: a small cache per thread, and a
/// shared pool between them.
///
/// Why: a parse clears a message but keeps its strings' memory, so reading
/// into a spent buffer allocates nothing for a request of similar size,
/// where a fresh message allocates every string it sets (three allocations
/// for a 100-byte reading). Not per stream: a stream's spent buffers come
/// back in batches of up to its credit limit, and keeping them per stream
/// would make every quiet stream hold that many. A session recycles on its
/// thread and the next read takes on another (the stream's, or a gRPC
/// thread running the stream's turn inline), so a thread whose cache fills
/// passes half of it to the shared pool, and a thread whose cache is empty
/// takes that many from it: one lock per kMaxBuffers / 2 buffers.
///
/// Bounds: kMaxBuffers per thread and kMaxShared in the shared pool, so
/// the memory kept does not grow with the number of streams; and never a
/// buffer whose payload grew past kMaxPayloadCapacity (an upload's 1 MiB
/// chunk is worth its allocation, not the memory of keeping it). A thread's
/// cache is freed when the thread exits.
/// Threads: any.
class RequestBufferCache {
 public:
  static constexpr uint32_t kMaxBuffers = 32;
  static constexpr uint32_t kMaxShared = 256;
  static constexpr size_t kMaxPayloadCapacity = 2048;

  /// A cached buffer, or a new one when there is none. Its message may hold
  /// an earlier request: read into it (a parse clears it first).
  static RequestPtr Take();
  /// Keeps `buffer` for a later Take(), or frees it (everything full, or a
  /// large payload). Null is ignored.
  static void Recycle(RequestPtr buffer);
  /// This thread's cached buffers (for tests).
  static uint32_t CachedOnThisThread();
};

}  // namespace sluice::actors
