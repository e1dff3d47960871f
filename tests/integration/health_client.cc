// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "tests/integration/health_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace sluice::testing {
namespace {

constexpr std::chrono::minutes kSafetyTimeout{1};

// HealthCheckRequest{service} (field 1, a string; names here are < 128 bytes).
grpc::ByteBuffer EncodeRequest(const std::string& service) {
  std::string bytes;
  if (!service.empty()) {
    bytes.push_back(static_cast<char>((1 << 3) | 2));
    bytes.push_back(static_cast<char>(service.size()));
    bytes += service;
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// HealthCheckResponse{status} (field 1, a varint < 128); empty means UNKNOWN.
std::optional<Health> DecodeResponse(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return std::nullopt;
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  if (bytes.empty()) return Health::kUnknown;
  if (bytes.size() != 2 || bytes[0] != (1 << 3)) return std::nullopt;
  return static_cast<Health>(bytes[1]);
}

}  // namespace

const char* HealthName(Health health) {
  switch (health) {
    case Health::kUnknown:
      return "UNKNOWN";
    case Health::kServing:
      return "SERVING";
    case Health::kNotServing:
      return "NOT_SERVING";
    case Health::kServiceUnknown:
      break;
  }
  return "SERVICE_UNKNOWN";
}

grpc::Status CheckHealth(const std::string& target, const std::string& service, Health* health) {
  grpc::GenericStub stub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kSafetyTimeout);
  grpc::ByteBuffer response;
  grpc::CompletionQueue cq;
  grpc::Status status;
  auto call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", EncodeRequest(service), &cq);
  call->StartCall();
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&tag, &ok) && ok);
  if (status.ok()) {
    std::optional<Health> decoded = DecodeResponse(response);
    EXPECT_TRUE(decoded.has_value()) << "undecodable HealthCheckResponse";
    *health = decoded.value_or(Health::kUnknown);
  }
  return status;
}

HealthWatch::HealthWatch(const std::string& target, const std::string& service)
    : channel_(grpc::CreateChannel(target, grpc::InsecureChannelCredentials())), stub_(channel_) {
  call_ = stub_.PrepareCall(&context_, "/grpc.health.v1.Health/Watch", &cq_);
  call_->StartCall(reinterpret_cast<void*>(1));
  if (!Await(reinterpret_cast<void*>(1))) {
    ended_ = true;
    return;
  }
  const grpc::ByteBuffer request = EncodeRequest(service);
  call_->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  if (!Await(reinterpret_cast<void*>(2))) ended_ = true;
}

HealthWatch::~HealthWatch() {
  if (!finished_) {
    context_.TryCancel();
    if (!ended_) {
      // Drain reads until the cancellation ends the call.
      while (Next().has_value()) {
      }
    }
    (void)Finish();
  }
  cq_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) {
  }
}

std::optional<Health> HealthWatch::Next() {
  if (ended_) return std::nullopt;
  grpc::ByteBuffer buffer;
  call_->Read(&buffer, reinterpret_cast<void*>(3));
  if (!Await(reinterpret_cast<void*>(3))) {
    ended_ = true;
    return std::nullopt;
  }
  std::optional<Health> health = DecodeResponse(buffer);
  EXPECT_TRUE(health.has_value()) << "undecodable HealthCheckResponse";
  return health;
}

grpc::Status HealthWatch::Finish() {
  grpc::Status status;
  if (finished_) return status;
  finished_ = true;
  call_->Finish(&status, reinterpret_cast<void*>(4));
  EXPECT_TRUE(Await(reinterpret_cast<void*>(4)));
  return status;
}

bool HealthWatch::Await(void* expected) {
  void* tag = nullptr;
  bool ok = false;
  const auto deadline = std::chrono::system_clock::now() + kSafetyTimeout;
  switch (cq_.AsyncNext(&tag, &ok, deadline)) {
    case grpc::CompletionQueue::GOT_EVENT:
      EXPECT_EQ(tag, expected);
      return ok;
    case grpc::CompletionQueue::TIMEOUT:
      ADD_FAILURE() << "a health Watch operation did not complete within a minute";
      context_.TryCancel();
      // The cancelled operation still completes; collect it.
      (void)cq_.Next(&tag, &ok);
      return false;
    case grpc::CompletionQueue::SHUTDOWN:
      break;
  }
  return false;
}

}  // namespace sluice::testing
