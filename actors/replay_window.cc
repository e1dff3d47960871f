// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/replay_window.h"

#include "absl/strings/str_cat.h"

namespace sluice::actors {

void ReplayWindow::Add(const v1::InferResponse& response, Clock::time_point now) {
  const uint64_t bytes = response.ByteSizeLong();
  entries_.push_back(Entry{response, bytes, now});
  bytes_ += bytes;
  while (!entries_.empty() &&
         (entries_.size() > limits_.max_messages || bytes_ > limits_.max_bytes)) {
    DropOldest();
  }
  Expire(now);
}

void ReplayWindow::Expire(Clock::time_point now) {
  while (!entries_.empty() && now - entries_.front().sent_at > limits_.max_age) DropOldest();
}

void ReplayWindow::DropOldest() {
  bytes_ -= entries_.front().bytes;
  entries_.pop_front();
}

absl::Status ReplayWindow::CheckResumable(uint64_t received, uint64_t last_sent) const {
  if (received > last_sent) {
    return absl::OutOfRangeError(absl::StrCat("the client says it received response ", received,
                                              " but the session has sent only up to ", last_sent));
  }
  if (received == last_sent) return absl::OkStatus();  // Nothing to replay.
  if (entries_.empty() || first_sequence() > received + 1) {
    const std::string held =
        entries_.empty() ? std::string("no responses")
                         : absl::StrCat("responses ", first_sequence(), " to ", last_sequence());
    return absl::OutOfRangeError(absl::StrCat(
        "cannot resume after response ", received, ": the replay window holds ", held,
        " (limits resume.replay_messages, resume.replay_bytes, resume.replay_age_seconds); "
        "responses ",
        received + 1, " onward are lost, so open a new session"));
  }
  return absl::OkStatus();
}

const v1::InferResponse* ReplayWindow::Find(uint64_t sequence) const {
  if (entries_.empty() || sequence < first_sequence() || sequence > last_sequence()) {
    return nullptr;
  }
  return &entries_[sequence - first_sequence()].response;
}

}  // namespace sluice::actors
