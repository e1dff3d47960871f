// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the journal of unanswered requests (see request_journal.h).

#include "tools/request_journal.h"

#include <algorithm>
#include <utility>

namespace sluice::cli {

bool RequestJournal::Add(v1::InferRequest request) {
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || unanswered_.size() < max_unanswered_;
  };
  mu_.Await(absl::Condition(&room));
  if (closed_) return false;
  request.set_sequence(++last_added_);
  unanswered_.emplace(last_added_, std::move(request));
  return true;
}

void RequestJournal::EndInput(absl::Status status) {
  absl::MutexLock lock(&mu_);
  input_ended_ = true;
  input_status_ = std::move(status);
}

void RequestJournal::Answer(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  unanswered_.erase(sequence);
}

void RequestJournal::Heard(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  heard_through_ = std::max(heard_through_, sequence);
}

uint64_t RequestJournal::heard_through() const {
  absl::MutexLock lock(&mu_);
  return heard_through_;
}

RequestJournal::Next RequestJournal::NextToSend(uint64_t after, v1::InferRequest* request) {
  absl::MutexLock lock(&mu_);
  // The first unanswered request above `after`; it only moves forward while we wait, as requests
  // are added behind it and answered in front of it.
  auto next = [this, after]()
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return unanswered_.upper_bound(after); };
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return writer_stopped_ || input_ended_ || next() != unanswered_.end();
  };
  mu_.Await(absl::Condition(&ready));
  if (writer_stopped_) return Next::kStopped;
  if (auto it = next(); it != unanswered_.end()) {
    *request = it->second;
    return Next::kRequest;
  }
  return Next::kInputEnded;
}

void RequestJournal::StopWriter() {
  absl::MutexLock lock(&mu_);
  writer_stopped_ = true;
}

void RequestJournal::StartWriter() {
  absl::MutexLock lock(&mu_);
  writer_stopped_ = false;
}

void RequestJournal::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool RequestJournal::input_ended() const {
  absl::MutexLock lock(&mu_);
  return input_ended_;
}

absl::Status RequestJournal::input_status() const {
  absl::MutexLock lock(&mu_);
  return input_status_;
}

size_t RequestJournal::unanswered() const {
  absl::MutexLock lock(&mu_);
  return unanswered_.size();
}

}  // namespace sluice::cli
