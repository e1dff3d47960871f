// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/admin_service.h"

#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "transports/grpc/status.h"

namespace sluice::transport {

class AdminServer::Service final : public admin::v1::Admin::CallbackService {
 public:
  Service(AdminBackend& backend, boost::asio::thread_pool& worker)
      : backend_(backend), worker_(worker) {}

  grpc::ServerUnaryReactor* GetConfig(grpc::CallbackServerContext* context,
                                      const admin::v1::GetConfigRequest* /*request*/,
                                      admin::v1::ConfigReply* reply) override {
    return Run(context, reply, [this] { return backend_.GetConfig(); });
  }
  grpc::ServerUnaryReactor* UpdateConfig(grpc::CallbackServerContext* context,
                                         const admin::v1::UpdateConfigRequest* request,
                                         admin::v1::ConfigReply* reply) override {
    return Run(context, reply, [this, request] { return backend_.UpdateConfig(*request); });
  }
  grpc::ServerUnaryReactor* ReloadConfig(grpc::CallbackServerContext* context,
                                         const admin::v1::ReloadConfigRequest* /*request*/,
                                         admin::v1::ConfigReply* reply) override {
    return Run(context, reply, [this] { return backend_.ReloadConfig(); });
  }
  grpc::ServerUnaryReactor* Drain(grpc::CallbackServerContext* context,
                                  const admin::v1::DrainRequest* request,
                                  admin::v1::DrainReply* reply) override {
    return Run(context, reply, [this, request] { return backend_.Drain(*request); });
  }

 private:
  // The reaction only posts: the backend may read files and build models.
  // gRPC keeps `request` and `reply` alive until the reactor finishes.
  template <typename Reply, typename Call>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, Reply* reply, Call call) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    // `call` captures this Service, which outlives every posted task: the
    // server's Shutdown() waits for each call to finish, and that happens
    // only here, before the worker is joined and the Service destroyed.
    boost::asio::post(worker_, [reactor, reply, call = std::move(call)] {
      absl::StatusOr<Reply> result;
      try {
        result = call();
      } catch (const std::exception& e) {
        // Never leave a call unfinished: Shutdown() would wait for it.
        result = absl::InternalError(absl::StrCat("the admin call failed: ", e.what()));
      }
      if (result.ok()) {
        *reply = std::move(*result);
        reactor->Finish(grpc::Status::OK);
      } else {
        reactor->Finish(ToGrpcStatus(result.status()));
      }
    });
    return reactor;
  }

  AdminBackend& backend_;
  boost::asio::thread_pool& worker_;
};

AdminServer::AdminServer(AdminBackend& backend) : backend_(backend) {}

AdminServer::~AdminServer() {
  if (server_ != nullptr) {
    // Calls posted to the worker finish there; Shutdown waits for them, even
    // past its deadline. The deadline is for idle client connections, which
    // would otherwise hold it for seconds after the GOAWAY.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    server_->Wait();
  }
  worker_.join();
}

absl::StatusOr<int> AdminServer::Start(const std::string& address) {
  service_ = std::make_unique<Service>(backend_, worker_);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot serve the admin service on ", address,
                                               " (address in use, or not a local address?)"));
  }
  return port;
}

}  // namespace sluice::transport
