// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the standard services a gRPC tool expects: server
// reflection (what grpcurl and buf curl use) and grpc.health.v1. The client
// side is gRPC's generic stub with hand-encoded messages, because linking the
// reflection protos into this binary would clash with the server's copy.

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

// Sends each of `requests` (serialized messages) on `method`, half-closes,
// and collects the serialized responses.
grpc::Status RawCall(const std::string& address, const std::string& method,
                     const std::vector<std::string>& requests,
                     std::vector<std::string>* responses) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  grpc::CompletionQueue cq;
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(&context, method, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  EXPECT_TRUE(cq.Next(&tag, &ok) && ok);
  for (const std::string& request : requests) {
    grpc::Slice slice(request);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, reinterpret_cast<void*>(2));
    // A write fails when the server has already ended the call (for example
    // an unimplemented method); the status from Finish says why.
    EXPECT_TRUE(cq.Next(&tag, &ok));
    if (!ok) break;
  }
  call->WritesDone(reinterpret_cast<void*>(3));
  EXPECT_TRUE(cq.Next(&tag, &ok));
  while (true) {
    grpc::ByteBuffer buffer;
    call->Read(&buffer, reinterpret_cast<void*>(4));
    if (!cq.Next(&tag, &ok) || !ok) break;
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(buffer.Dump(&slices).ok());
    std::string bytes;
    for (const auto& slice : slices)
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    responses->push_back(std::move(bytes));
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  EXPECT_TRUE(cq.Next(&tag, &ok));
  return status;
}

// Protobuf encoding of a message with one length-delimited field.
std::string LengthDelimited(int field, const std::string& value) {
  std::string out(1, static_cast<char>((field << 3) | 2));
  out.push_back(static_cast<char>(value.size()));  // Values here are < 128 bytes.
  return out + value;
}

const google::protobuf::UnknownField* FindField(const google::protobuf::UnknownFieldSet& set,
                                                int number) {
  for (int i = 0; i < set.field_count(); ++i) {
    if (set.field(i).number() == number) return &set.field(i);
  }
  return nullptr;
}

constexpr char kReflection[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

TEST(StandardServicesEnd2endTest, ReflectionListsTheInferenceService) {
  TestServer server;
  std::vector<std::string> responses;
  // ServerReflectionRequest{list_services = "*"} (field 7).
  ASSERT_TRUE(RawCall(server.address(), kReflection, {LengthDelimited(7, "*")}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  google::protobuf::UnknownFieldSet response;
  ASSERT_TRUE(response.ParseFromString(responses[0]));
  const auto* list = FindField(response, 6);  // list_services_response
  ASSERT_NE(list, nullptr);
  google::protobuf::UnknownFieldSet services;
  ASSERT_TRUE(services.ParseFromString(list->length_delimited()));
  std::vector<std::string> names;
  for (int i = 0; i < services.field_count(); ++i) {
    google::protobuf::UnknownFieldSet service;
    ASSERT_TRUE(service.ParseFromString(services.field(i).length_delimited()));
    names.push_back(FindField(service, 1)->length_delimited());
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "sluice.v1.Inference"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.health.v1.Health"), names.end());
}

TEST(StandardServicesEnd2endTest, ReflectionDescribesTheFourMethods) {
  TestServer server;
  std::vector<std::string> responses;
  // ServerReflectionRequest{file_containing_symbol = "sluice.v1.Inference"} (field 4).
  ASSERT_TRUE(RawCall(server.address(), kReflection, {LengthDelimited(4, "sluice.v1.Inference")},
                      &responses)
                  .ok());
  ASSERT_EQ(responses.size(), 1u);
  google::protobuf::UnknownFieldSet response;
  ASSERT_TRUE(response.ParseFromString(responses[0]));
  const auto* files = FindField(response, 4);  // file_descriptor_response
  ASSERT_NE(files, nullptr);
  google::protobuf::UnknownFieldSet descriptors;
  ASSERT_TRUE(descriptors.ParseFromString(files->length_delimited()));
  bool found = false;
  for (int i = 0; i < descriptors.field_count(); ++i) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(descriptors.field(i).length_delimited()));
    if (file.name() != "sluice/v1/inference.proto") continue;
    found = true;
    ASSERT_EQ(file.service_size(), 1);
    std::vector<std::string> methods;
    for (const auto& method : file.service(0).method()) methods.push_back(method.name());
    EXPECT_EQ(methods, (std::vector<std::string>{"Infer", "Generate", "Ingest", "Stream"}));
  }
  EXPECT_TRUE(found);
}

TEST(StandardServicesEnd2endTest, HealthCheckReportsServing) {
  TestServer server;
  std::vector<std::string> responses;
  // HealthCheckRequest{service = ""} is the empty message.
  ASSERT_TRUE(RawCall(server.address(), "/grpc.health.v1.Health/Check", {""}, &responses).ok());
  ASSERT_EQ(responses.size(), 1u);
  google::protobuf::UnknownFieldSet response;
  ASSERT_TRUE(response.ParseFromString(responses[0]));
  const auto* status = FindField(response, 1);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->varint(), 1u);  // SERVING
}

TEST(StandardServicesEnd2endTest, UnimplementedMethodGetsUnimplemented) {
  TestServer server;
  std::vector<std::string> responses;
  grpc::Status status =
      RawCall(server.address(), "/sluice.v1.Inference/NoSuchMethod", {""}, &responses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace sluice::testing
