// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/exe/sluiced_admin.h"

#include <signal.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "engine/exe/log.h"

namespace sluice::server {
namespace {

// The range of the config's drain_seconds.
constexpr int64_t kMaxDrainSeconds = 3600;

void SetDuration(std::chrono::milliseconds duration, google::protobuf::Duration* out) {
  out->set_seconds(duration.count() / 1000);
  out->set_nanos(static_cast<int32_t>((duration.count() % 1000) * 1000000));
}

}  // namespace

void DrainTrigger::Request(std::optional<std::chrono::milliseconds> drain) {
  drain_ms_.store(drain.has_value() ? drain->count() : -1);
  // To the process, not this thread (raise() would target the calling
  // thread, which blocks SIGTERM like every thread; only main takes it).
  kill(getpid(), SIGTERM);
}

std::optional<std::chrono::milliseconds> DrainTrigger::requested_drain() const {
  const int64_t drain_ms = drain_ms_.load();
  if (drain_ms < 0) return std::nullopt;
  return std::chrono::milliseconds(drain_ms);
}

absl::StatusOr<admin::v1::DrainReply> SluicedAdmin::Drain(const admin::v1::DrainRequest& request) {
  std::optional<std::chrono::milliseconds> drain;
  if (request.has_drain_deadline()) {
    const google::protobuf::Duration& deadline = request.drain_deadline();
    if (deadline.seconds() < 0 || deadline.nanos() < 0 || deadline.seconds() > kMaxDrainSeconds ||
        (deadline.seconds() == kMaxDrainSeconds && deadline.nanos() > 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("drain_deadline: must be between 0 and ", kMaxDrainSeconds, " s, got ",
                       deadline.seconds(), " s ", deadline.nanos(), " ns"));
    }
    drain = std::chrono::milliseconds(deadline.seconds() * 1000 + deadline.nanos() / 1000000);
  }
  const std::chrono::milliseconds applies = drain.value_or(
      std::chrono::milliseconds(static_cast<int64_t>(config_.running().drain_seconds() * 1000)));
  admin::v1::DrainReply reply;
  reply.set_streams_open(engine_.Stats().streams_active);
  SetDuration(applies, reply.mutable_drain_deadline());
  Log(LogLevel::kInfo, absl::StrCat("admin Drain: ", reply.streams_open(),
                                    " streams open, draining for up to ", applies.count(), " ms"));
  drain_.Request(drain);
  return reply;
}

}  // namespace sluice::server
