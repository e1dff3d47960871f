// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// FaultProxy between a real gRPC channel and server: HTTP/2 passes through
// intact under latency and a bandwidth cap, a cut channel reconnects through
// the proxy, and a cut before a call completes fails it. The server is a bare
// grpc::Server with an echo Inference service, so this needs no engine.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "sluice/v1/inference.grpc.pb.h"
#include "tests/integration/fault_proxy.h"

namespace sluice::testing {
namespace {

// Infer answers with the request's payload.
class EchoInference final : public v1::Inference::CallbackService {
  grpc::ServerUnaryReactor* Infer(grpc::CallbackServerContext* context,
                                  const v1::InferRequest* request,
                                  v1::InferResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// Ownership: the test's. Threads: the test thread only; gRPC runs the service.
class EchoServer {
 public:
  EchoServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    builder.SetMaxReceiveMessageSize(8 << 20);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);
  }
  ~EchoServer() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  EchoInference service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

std::shared_ptr<grpc::Channel> NewChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  args.SetMaxReceiveMessageSize(8 << 20);
  // Reconnect soon after a cut; the tests wait on the call, not on a clock.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

grpc::Status Echo(v1::Inference::Stub& stub, const std::string& payload, bool wait_for_ready,
                  std::string* echoed) {
  grpc::ClientContext context;
  context.set_wait_for_ready(wait_for_ready);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::InferRequest request;
  request.set_payload(payload);
  v1::InferResponse response;
  grpc::Status status = stub.Infer(&context, request, &response);
  *echoed = response.payload();
  return status;
}

std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131) >> 3);
  return out;
}

TEST(FaultProxyGrpcEnd2endTest, CallsPassAndTheChannelReconnectsAfterCutAll) {
  EchoServer server;
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  auto channel = NewChannel((*proxy)->address());
  auto stub = v1::Inference::NewStub(channel);
  const std::string payload = Pattern(1 << 20);
  std::string echoed;
  grpc::Status status = Echo(*stub, payload, /*wait_for_ready=*/true, &echoed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(echoed == payload);
  EXPECT_EQ((*proxy)->connections_accepted(), 1);

  (*proxy)->CutAll();
  // A call made before the channel has read the RST goes out on the dead
  // connection and fails (UNAVAILABLE, "Connection reset by peer"); wait for
  // the channel to see the cut (this returns at once if it already has).
  EXPECT_TRUE(channel->WaitForStateChange(
      GRPC_CHANNEL_READY, std::chrono::system_clock::now() + std::chrono::seconds(10)));
  status = Echo(*stub, "again", /*wait_for_ready=*/true, &echoed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(echoed, "again");
  EXPECT_EQ((*proxy)->connections_accepted(), 2);

  // Slow, but intact.
  (*proxy)->SetLatency(std::chrono::milliseconds(20));
  (*proxy)->SetBandwidth(4 << 20);
  status = Echo(*stub, payload, /*wait_for_ready=*/true, &echoed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(echoed == payload);
}

TEST(FaultProxyGrpcEnd2endTest, CallFailsWhenEveryConnectionIsCutEarly) {
  EchoServer server;
  auto proxy = FaultProxy::Start(server.address());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  // Not even the HTTP/2 connection preface gets through.
  (*proxy)->CutAfterBytes(10);
  auto stub = v1::Inference::NewStub(NewChannel((*proxy)->address()));
  std::string echoed;
  const grpc::Status status = Echo(*stub, "lost", /*wait_for_ready=*/false, &echoed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_GE((*proxy)->connections_accepted(), 1);
}

}  // namespace
}  // namespace sluice::testing
