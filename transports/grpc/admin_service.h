// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// AdminServer: the sluice.admin.v1.Admin service on a listener of its own,
// separate from the inference listener so it can stay on loopback.

#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>
#include <boost/asio/thread_pool.hpp>

#include "absl/status/statusor.h"
#include "sluice/admin/v1/admin.grpc.pb.h"

namespace sluice::transport {

/// What the admin service asks of whoever owns the configuration.
/// Threads: called on the admin server's own worker thread, one call at a
/// time, so an implementation may block (read a file, build models).
class AdminBackend {
 public:
  virtual ~AdminBackend() = default;
  virtual absl::StatusOr<admin::v1::ConfigReply> GetConfig() = 0;
  virtual absl::StatusOr<admin::v1::ConfigReply> UpdateConfig(
      const admin::v1::UpdateConfigRequest& request) = 0;
  virtual absl::StatusOr<admin::v1::ConfigReply> ReloadConfig() = 0;
  /// Starts the drain and stop of the process; the reply goes out first.
  virtual absl::StatusOr<admin::v1::DrainReply> Drain(const admin::v1::DrainRequest& request) = 0;
};

/// A gRPC server serving only Admin, backed by `backend`.
///
/// Ownership: owned by sluiced; `backend` must outlive it. Destroying it
/// shuts the server down and finishes the calls in progress.
/// Threads: Start() and the destructor from one thread. Reactions only post
/// the call to the worker thread, which runs the backend and finishes it.
class AdminServer {
 public:
  explicit AdminServer(AdminBackend& backend);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  /// Binds `address` (HOST:PORT, port 0 picks one) and serves; returns the
  /// bound port. UNAVAILABLE when the address cannot be bound.
  absl::StatusOr<int> Start(const std::string& address);

 private:
  class Service;

  AdminBackend& backend_;
  boost::asio::thread_pool worker_{1};
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace sluice::transport
