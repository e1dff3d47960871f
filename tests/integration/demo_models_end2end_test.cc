// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end tests of the demo models sensors, blob, predict and feed over
// the bidi Stream method: a real engine on 127.0.0.1 port 0, a real client.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/test_server.h"

namespace sluice::testing {
namespace {

using v1::InferRequest;
using v1::InferResponse;

std::string Param(const InferResponse& response, const std::string& name) {
  auto it = response.parameters().find(name);
  return it == response.parameters().end() ? "" : it->second;
}

TEST(DemoModelsEnd2endTest, SensorsAcknowledgeEveryNReadingsThenSummarize) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferRequest> requests;
  for (int n = 1; n <= 1000; ++n) {
    requests.push_back(MakeRequest(n == 1 ? "sensors" : "",
                                   absl::StrCat("dev-", n % 4, ",", n, ",", n % 50, ",40,1013,0"),
                                   n, {{"ack_every", "100"}}));
  }
  requests.push_back(MakeRequest("", "dev-1,1001,warm,40,1013,0", 1001));  // Named, not counted.
  std::vector<InferResponse> responses;
  const grpc::Status status = Exchange(*stub, requests, &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 12u);  // 10 acks, 1 error, 1 summary.
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(responses[k].request_sequence(), static_cast<uint64_t>((k + 1) * 100));
    EXPECT_EQ(Param(responses[k], "acked_sequence"), absl::StrCat((k + 1) * 100));
    EXPECT_EQ(Param(responses[k], "count"), absl::StrCat((k + 1) * 100));
  }
  ASSERT_TRUE(responses[10].has_error());
  EXPECT_EQ(responses[10].error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(responses[10].error().message().find("'temperature'"), std::string::npos);
  EXPECT_NE(responses[10].error().message().find("'warm'"), std::string::npos);
  const InferResponse& summary = responses[11];
  EXPECT_EQ(Param(summary, "count"), "1000");
  EXPECT_EQ(Param(summary, "sensors"), "4");
  EXPECT_EQ(Param(summary, "acked_sequence"), "1000");
  EXPECT_NE(summary.payload().find("{\"sensor_id\":\"dev-0\",\"count\":250,"), std::string::npos)
      << summary.payload();
  EXPECT_TRUE(summary.final());
}

TEST(DemoModelsEnd2endTest, BlobDownloadStreamsChunksOfAnExactImage) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferResponse> responses;
  const grpc::Status status = Exchange(*stub, {MakeRequest("blob", "", 1)}, &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 8u);  // The default: 8 MiB in 1 MiB chunks.
  std::string blob;
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(Param(responses[i], "chunk_index"), absl::StrCat(i));
    EXPECT_EQ(Param(responses[i], "total_chunks"), "8");
    EXPECT_EQ(responses[i].final(), i == 7);
    blob += responses[i].payload();
  }
  ASSERT_EQ(blob.size(), 8u << 20);
  EXPECT_EQ(blob.compare(0, 3, "P6\n"), 0);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(EVP_Digest(blob.data(), blob.size(), digest, &length, EVP_sha256(), nullptr), 1);
  EXPECT_EQ(Param(responses.back(), "sha256"),
            absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length)));
}

TEST(DemoModelsEnd2endTest, PredictAnswersABatchInOrder) {
  TestServer server;
  auto stub = server.NewStub();
  std::vector<InferRequest> requests;
  for (int i = 1; i <= 200; ++i) {
    requests.push_back(MakeRequest(
        "predict", "", i,
        {{"vdd", absl::StrCat(i * 0.01)}, {"temp", i == 100 ? "hot" : absl::StrCat(20 + i % 7)}}));
  }
  std::vector<InferResponse> responses;
  const grpc::Status status = Exchange(*stub, requests, &responses);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 200u);
  for (int i = 1; i <= 200; ++i) {
    const InferResponse& response = responses[i - 1];
    EXPECT_EQ(response.request_sequence(), static_cast<uint64_t>(i));
    EXPECT_TRUE(response.final());
    if (i == 100) {
      ASSERT_TRUE(response.has_error());
      EXPECT_NE(response.error().message().find("feature 'temp'"), std::string::npos);
      continue;
    }
    double score = -1;
    ASSERT_TRUE(absl::SimpleAtod(Param(response, "score"), &score)) << i;
    EXPECT_EQ(Param(response, "label"), score >= 0.5 ? "positive" : "negative");
    EXPECT_EQ(response.payload(), Param(response, "score"));
  }
}

TEST(DemoModelsEnd2endTest, FeedDeliversItemsPublishedOnAnotherStream) {
  TestServer server;
  auto subscriber_stub = server.NewStub();
  auto publisher_stub = server.NewStub();
  constexpr int kItems = 300;
  grpc::ClientContext subscriber_context;
  auto subscription = subscriber_stub->Stream(&subscriber_context);
  // This client reads only after publishing, so its buffer must hold every
  // item: with less, drop-oldest would (rightly) drop some.
  ASSERT_TRUE(subscription->Write(MakeRequest(
      "feed", "", 1,
      {{"op", "subscribe"}, {"topic", "alerts"}, {"max_items", "300"}, {"buffer", "1024"}})));
  ASSERT_TRUE(subscription->WritesDone());
  InferResponse notice;
  ASSERT_TRUE(subscription->Read(&notice));  // Live from here on: publish only now.
  EXPECT_EQ(Param(notice, "event"), "subscribed");
  EXPECT_EQ(Param(notice, "next_sequence"), "1");

  std::vector<InferRequest> items;
  for (int i = 1; i <= kItems; ++i) {
    items.push_back(MakeRequest("feed", absl::StrCat("alert ", i), i,
                                {{"op", "publish"}, {"topic", "alerts"}}));
  }
  std::vector<InferResponse> confirmations;
  const grpc::Status published = Exchange(*publisher_stub, items, &confirmations);
  ASSERT_TRUE(published.ok()) << published.error_message();
  ASSERT_EQ(confirmations.size(), static_cast<size_t>(kItems));
  for (int i = 1; i <= kItems; ++i) {
    EXPECT_EQ(Param(confirmations[i - 1], "sequence"), absl::StrCat(i));
    EXPECT_EQ(Param(confirmations[i - 1], "subscribers"), "1");
  }

  InferResponse item;
  int received = 0;
  while (subscription->Read(&item)) {
    ++received;
    ASSERT_EQ(Param(item, "event"), "item");
    ASSERT_EQ(Param(item, "sequence"), absl::StrCat(received));
    ASSERT_EQ(item.payload(), absl::StrCat("alert ", received));
    ASSERT_EQ(Param(item, "dropped_total"), "0");
    ASSERT_EQ(item.final(), received == kItems);
  }
  EXPECT_EQ(received, kItems);
  const grpc::Status status = subscription->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST(DemoModelsEnd2endTest, FeedSubscriberThatFallsBehindIsToldExactlyWhatItLost) {
  TestServer server;
  auto subscriber_stub = server.NewStub();
  auto publisher_stub = server.NewStub();
  constexpr int kItems = 300;
  grpc::ClientContext subscriber_context;
  auto subscription = subscriber_stub->Stream(&subscriber_context);
  ASSERT_TRUE(
      subscription->Write(MakeRequest("feed", "", 1, {{"topic", "ticks"}, {"buffer", "8"}})));
  InferResponse notice;
  ASSERT_TRUE(subscription->Read(&notice));
  std::vector<InferRequest> items;
  for (int i = 1; i <= kItems; ++i) {
    items.push_back(
        MakeRequest("feed", absl::StrCat(i), i, {{"op", "publish"}, {"topic", "ticks"}}));
  }
  std::vector<InferResponse> confirmations;
  ASSERT_TRUE(Exchange(*publisher_stub, items, &confirmations).ok());
  ASSERT_EQ(confirmations.size(), static_cast<size_t>(kItems));
  // However many the engine had already sent when the buffer overflowed:
  // the k-th item received is item k + dropped_total, to the last one.
  InferResponse item;
  int received = 0;
  uint64_t dropped = 0;
  while (subscription->Read(&item)) {
    ++received;
    ASSERT_TRUE(absl::SimpleAtoi(Param(item, "dropped_total"), &dropped));
    ASSERT_EQ(Param(item, "sequence"), absl::StrCat(received + dropped));
    if (received + dropped == kItems) break;
  }
  EXPECT_EQ(received + dropped, static_cast<uint64_t>(kItems));
  subscriber_context.TryCancel();
  EXPECT_EQ(subscription->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST(DemoModelsEnd2endTest, FeedSubscriberThatCancelsIsUnsubscribed) {
  TestServer server;
  auto stub = server.NewStub();
  {
    grpc::ClientContext context;
    auto subscription = stub->Stream(&context);
    ASSERT_TRUE(subscription->Write(MakeRequest("feed", "", 1, {{"topic", "gone"}})));
    InferResponse notice;
    ASSERT_TRUE(subscription->Read(&notice));
    context.TryCancel();
    EXPECT_EQ(subscription->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // Once the cancelled stream's session is gone, an item reaches nobody. The
  // engine ends a session a turn after the cancel, so publish until then.
  for (int attempt = 1;; ++attempt) {
    std::vector<InferResponse> confirmations;
    ASSERT_TRUE(Exchange(*stub,
                         {MakeRequest("feed", "x", 1, {{"op", "publish"}, {"topic", "gone"}})},
                         &confirmations)
                    .ok());
    ASSERT_EQ(confirmations.size(), 1u);
    if (Param(confirmations[0], "subscribers") == "0") break;
    ASSERT_LT(attempt, 100000) << "the cancelled subscriber was never unsubscribed";
    std::this_thread::yield();
  }
}

}  // namespace
}  // namespace sluice::testing
