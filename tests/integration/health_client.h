// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// A grpc.health.v1 client for tests: Check, and Watch read one update at a
// time. Messages are hand-encoded over gRPC's generic stub (the health protos
// are not installed; the server's copy lives inside libgrpc++).

#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

namespace sluice::testing {

/// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class Health { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

const char* HealthName(Health health);

/// Health/Check for `service` on `target`. On OK `*health` is the answer.
grpc::Status CheckHealth(const std::string& target, const std::string& service, Health* health);

/// A Health/Watch call on its own channel.
/// Ownership: the test's; the destructor cancels the call if still open.
/// Threads: one thread.
class HealthWatch {
 public:
  HealthWatch(const std::string& target, const std::string& service);
  ~HealthWatch();
  HealthWatch(const HealthWatch&) = delete;
  HealthWatch& operator=(const HealthWatch&) = delete;

  /// The next status the server sends; nullopt once the call has ended (or
  /// after a minute with nothing, so a broken server fails the test rather
  /// than hanging it).
  std::optional<Health> Next();

  /// After Next() returned nullopt: the call's status.
  grpc::Status Finish();

 private:
  // Waits for the operation tagged `tag`; false when it failed.
  bool Await(void* tag);

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool ended_ = false;
  bool finished_ = false;
};

}  // namespace sluice::testing
