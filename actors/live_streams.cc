// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/live_streams.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "actors/stream_actor.h"

namespace sluice::actors {

absl::Status LiveStreams::Add(StreamActor& stream) {
  absl::MutexLock lock(&mu_);
  if (!abort_status_.ok()) return abort_status_;
  if (max_streams_ != 0 && count_ >= max_streams_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server is at its limit of ", max_streams_,
        " concurrent streams (limits.max_concurrent_streams); retry later or on another replica"));
  }
  StreamActor::LiveLink& link = stream.live_link_;
  link.linked = true;
  link.prev = nullptr;
  link.next = head_;
  if (head_ != nullptr) head_->live_link_.prev = &stream;
  head_ = &stream;
  ++count_;
  return absl::OkStatus();
}

void LiveStreams::Remove(StreamActor& stream) {
  absl::MutexLock lock(&mu_);
  StreamActor::LiveLink& link = stream.live_link_;
  if (!link.linked) return;
  if (link.prev != nullptr) {
    link.prev->live_link_.next = link.next;
  } else {
    head_ = link.next;
  }
  if (link.next != nullptr) link.next->live_link_.prev = link.prev;
  link = StreamActor::LiveLink{};
  --count_;
}

void LiveStreams::set_max_streams(uint32_t max_streams) {
  absl::MutexLock lock(&mu_);
  max_streams_ = max_streams;
}

size_t LiveStreams::size() const {
  absl::MutexLock lock(&mu_);
  return count_;
}

void LiveStreams::ForEach(const std::function<void(const StreamActor&)>& visit) const {
  absl::MutexLock lock(&mu_);
  // A stream removes itself in its last turn, under this lock, before it can
  // be destroyed: every stream listed is a live object while the lock is held.
  for (const StreamActor* stream = head_; stream != nullptr; stream = stream->live_link_.next) {
    visit(*stream);
  }
}

bool LiveStreams::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) const {
  const auto remaining = deadline - std::chrono::steady_clock::now();
  const absl::Time until = absl::Now() + absl::FromChrono(remaining);
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithDeadline(absl::Condition(this, &LiveStreams::EmptyLocked), until);
  return count_ == 0;
}

void LiveStreams::RefuseNew(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  abort_status_ = status;
}

size_t LiveStreams::AbortAll(const absl::Status& status) {
  std::vector<std::shared_ptr<StreamActor>> live;
  {
    absl::MutexLock lock(&mu_);
    if (abort_status_.ok()) abort_status_ = status;
    live.reserve(count_);
    for (StreamActor* listed = head_; listed != nullptr; listed = listed->live_link_.next) {
      // Null for a stream whose last reference is going: it is ending anyway.
      if (auto stream = std::static_pointer_cast<StreamActor>(listed->weak_from_this().lock())) {
        live.push_back(std::move(stream));
      }
    }
  }
  // Outside the lock: Send() may run nothing inline, but keep the lock short.
  for (auto& stream : live) stream->Send(AbortStream{status});
  return live.size();
}

}  // namespace sluice::actors
