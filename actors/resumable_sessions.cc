// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/resumable_sessions.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "actors/stream_actor.h"

namespace sluice::actors {

absl::Status ResumableSessions::Register(const std::string& id,
                                         std::shared_ptr<StreamActor> stream) {
  absl::MutexLock lock(&mu_);
  if (!holding_) {
    return absl::UnavailableError(
        "the server is draining and opens no resumable sessions; retry on another replica");
  }
  auto [it, inserted] = sessions_.emplace(id, std::move(stream));
  if (!inserted) {
    return absl::AlreadyExistsError(absl::StrCat(
        "session '", id,
        "' is already open on this server; resume it (metadata sluice-resume-after) or choose "
        "another session id"));
  }
  return absl::OkStatus();
}

std::shared_ptr<StreamActor> ResumableSessions::Find(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void ResumableSessions::Unregister(const std::string& id, const StreamActor* stream) {
  std::shared_ptr<StreamActor> last_reference;  // Released outside the lock.
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.get() != stream) return;
  last_reference = std::move(it->second);
  sessions_.erase(it);
}

void ResumableSessions::StopHolding() {
  std::vector<std::shared_ptr<StreamActor>> held;
  {
    absl::MutexLock lock(&mu_);
    holding_ = false;
    held.reserve(sessions_.size());
    for (auto& [id, stream] : sessions_) held.push_back(stream);
  }
  // Attached streams ignore it; they drain with the others.
  for (auto& stream : held) stream->Send(EvictSession{});
}

bool ResumableSessions::holding() const {
  absl::MutexLock lock(&mu_);
  return holding_;
}

size_t ResumableSessions::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace sluice::actors
