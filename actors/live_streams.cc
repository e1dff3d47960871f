// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/live_streams.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "actors/stream_actor.h"

namespace sluice::actors {

absl::Status LiveStreams::Add(const std::shared_ptr<StreamActor>& stream) {
  absl::MutexLock lock(&mu_);
  if (!abort_status_.ok()) return abort_status_;
  if (max_streams_ != 0 && streams_.size() >= max_streams_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server is at its limit of ", max_streams_,
        " concurrent streams (limits.max_concurrent_streams); retry later or on another replica"));
  }
  streams_.emplace(stream.get(), stream);
  return absl::OkStatus();
}

void LiveStreams::Remove(const StreamActor* stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

void LiveStreams::set_max_streams(uint32_t max_streams) {
  absl::MutexLock lock(&mu_);
  max_streams_ = max_streams;
}

size_t LiveStreams::size() const {
  absl::MutexLock lock(&mu_);
  return streams_.size();
}

void LiveStreams::ForEach(const std::function<void(const StreamActor&)>& visit) const {
  absl::MutexLock lock(&mu_);
  // A stream removes itself in its last turn, under this lock, before it can
  // be destroyed: every key here is a live object while the lock is held.
  for (const auto& [stream, weak] : streams_) visit(*stream);
}

bool LiveStreams::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) const {
  const auto remaining = deadline - std::chrono::steady_clock::now();
  const absl::Time until = absl::Now() + absl::FromChrono(remaining);
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithDeadline(absl::Condition(this, &LiveStreams::EmptyLocked), until);
  return streams_.empty();
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
    live.reserve(streams_.size());
    for (auto& [key, weak] : streams_) {
      if (auto stream = weak.lock()) live.push_back(std::move(stream));
    }
  }
  // Outside the lock: Send() may run nothing inline, but keep the lock short.
  for (auto& stream : live) stream->Send(AbortStream{status});
  return live.size();
}

}  // namespace sluice::actors
