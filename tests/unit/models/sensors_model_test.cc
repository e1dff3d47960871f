// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `sensors` model driven directly (no gRPC): exact summaries, bidi
// acknowledgements, and the error that names a bad field.

#include "engine/models/sensors_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/unit/models/fake_sink.h"

namespace sluice::models::testing {
namespace {

using ::testing::HasSubstr;

std::string Num(double value) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof(buffer), value).ptr);
}

struct Stats {
  double min = 1e300;
  double max = -1e300;
  double sum = 0;
  void Add(double v) {
    min = std::min(min, v);
    max = std::max(max, v);
    sum += v;
  }
  std::string Json(const char* name, uint64_t count) const {
    return absl::StrCat("\"", name, "\":{\"min\":", Num(min), ",\"max\":", Num(max),
                        ",\"mean\":", Num(sum / static_cast<double>(count)), "}");
  }
};

TEST(SensorsModelTest, IngestSummarizesHundredThousandReadingsExactly) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kClientStreaming));
  FakeSink sink;
  constexpr int kReadings = 100000;
  constexpr int kSensors = 10;
  struct Expected {
    uint64_t count = 0;
    Stats time, temperature, humidity, pressure, vibration;
  };
  std::vector<Expected> expected(kSensors);
  v1::InferRequest request;
  for (int n = 0; n < kReadings; ++n) {
    const int sensor = n % kSensors;
    // Quarters add up exactly in a double, so the means are exact too.
    const double temperature = (n % 400) * 0.25 - 20;
    const double humidity = (n * 7) % 101;
    const double pressure = 950 + (n % 13) * 0.5;
    const double vibration = (n % 1000) * 0.125;
    request.set_payload(absl::StrCat("room-", sensor, ",", 1700000000 + n, ",", temperature, ",",
                                     humidity, ",", pressure, ",", vibration));
    request.set_sequence(static_cast<uint64_t>(n + 1));
    ASSERT_EQ(Request(*session, sink, request).kind(), Step::Kind::kDone);
    Expected& e = expected[sensor];
    ++e.count;
    e.time.Add(1700000000 + n);
    e.temperature.Add(temperature);
    e.humidity.Add(humidity);
    e.pressure.Add(pressure);
    e.vibration.Add(vibration);
  }
  EXPECT_TRUE(sink.responses().empty());  // Ingest answers only at half-close.
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  const v1::InferResponse& summary = sink.responses()[0];
  EXPECT_FALSE(summary.has_error());
  EXPECT_EQ(Param(summary, "count"), "100000");
  EXPECT_EQ(Param(summary, "sensors"), "10");
  EXPECT_EQ(Param(summary, "acked_sequence"), "100000");
  EXPECT_EQ(Param(summary, "content_type"), "application/x-ndjson");
  std::vector<std::string> lines = absl::StrSplit(summary.payload(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kSensors));
  for (int s = 0; s < kSensors; ++s) {
    const Expected& e = expected[s];
    EXPECT_EQ(lines[s],
              absl::StrCat("{\"sensor_id\":\"room-", s, "\",\"count\":", e.count,
                           ",\"time_min\":", Num(e.time.min), ",\"time_max\":", Num(e.time.max),
                           ",", e.temperature.Json("temperature", e.count), ",",
                           e.humidity.Json("humidity", e.count), ",",
                           e.pressure.Json("pressure", e.count), ",",
                           e.vibration.Json("vibration", e.count), "}"));
  }
}

TEST(SensorsModelTest, BidiAcknowledgesEveryNReadingsThenSummarizes) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kBidiStreaming));
  FakeSink sink;
  for (int n = 1; n <= 1000; ++n) {
    ASSERT_EQ(Request(*session, sink,
                      MakeRequest(absl::StrCat("s", n % 3, ",", n, ",20,50,1000,0.5"),
                                  {{"ack_every", "100"}}, static_cast<uint64_t>(n)))
                  .kind(),
              Step::Kind::kDone);
  }
  std::vector<v1::InferResponse> acks = sink.TakeResponses();
  ASSERT_EQ(acks.size(), 10u);
  for (size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(Param(acks[i], "acked_sequence"), absl::StrCat((i + 1) * 100));
    EXPECT_EQ(Param(acks[i], "count"), absl::StrCat((i + 1) * 100));
  }
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "count"), "1000");
  EXPECT_EQ(Param(sink.responses()[0], "acked_sequence"), "1000");
  EXPECT_EQ(Param(sink.responses()[0], "sensors"), "3");
  EXPECT_THAT(sink.responses()[0].payload(),
              HasSubstr("{\"sensor_id\":\"s0\",\"count\":333,\"time_min\":3,\"time_max\":999,"
                        "\"temperature\":{\"min\":20,\"max\":20,\"mean\":20}"));
}

TEST(SensorsModelTest, BidiAcksDefaultToEveryHundredAndToleratesWhitespace) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kBidiStreaming));
  FakeSink sink;
  for (int n = 1; n <= 250; ++n) {
    // Padding around fields and a CRLF line end, as a CSV file may have.
    ASSERT_EQ(
        Request(*session, sink, MakeRequest(" a , 1 , -3.5, 40 ,1e3 , +0.5\r\n", {}, n)).kind(),
        Step::Kind::kDone);
  }
  ASSERT_EQ(sink.responses().size(), 2u);
  EXPECT_EQ(Param(sink.responses()[1], "acked_sequence"), "200");
}

TEST(SensorsModelTest, BadReadingsGetErrorsNamingFieldAndValueAndAreNotCounted) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kBidiStreaming));
  FakeSink sink;
  struct Case {
    std::string payload;
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {"s1,1,20,50,1000", {"6 comma-separated fields", "got 5 fields", "'s1,1,20,50,1000'"}},
      {"s1,1,20,50,1000,1,2", {"got 7 fields"}},
      {"s1,1,20,50,1000,1,", {"got 7 fields"}},
      {",,,,,", {"'sensor_id'"}},
      {"", {"got 1 fields"}},
      {",1,20,50,1000,1", {"'sensor_id'", "''"}},
      {"s 1,1,20,50,1000,1", {"'sensor_id'", "'s 1'"}},
      {"s\"1,1,20,50,1000,1", {"'sensor_id'"}},
      {"s1,yesterday,20,50,1000,1", {"'time'", "'yesterday'"}},
      {"s1,1,abc,50,1000,1", {"'temperature'", "'abc'"}},
      {"s1,1,20,,1000,1", {"'humidity'", "''"}},
      {"s1,1,20,50,nan,1", {"'pressure'", "'nan'"}},
      {"s1,1,20,50,1000,inf", {"'vibration'", "'inf'"}},
      {"s1,1,20,50,1000,1e13", {"'vibration'", "'1e13'"}},
      {"s1,1,20,50,1000,0x10", {"'vibration'", "'0x10'"}},
      {"s1,1,20,50,1000,+-1", {"'vibration'", "'+-1'"}},
      {"s1,1,20,50,1000,1.5.1", {"'vibration'", "'1.5.1'"}},
      {std::string(65, 'x') + ",1,20,50,1000,1", {"'sensor_id'", "1 to 64"}},
  };
  uint64_t sequence = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.payload);
    ASSERT_EQ(Request(*session, sink, MakeRequest(c.payload, {}, ++sequence)).kind(),
              Step::Kind::kDone);
    ASSERT_EQ(sink.responses().size(), 1u);
    const v1::InferResponse response = sink.TakeResponses()[0];
    ASSERT_TRUE(response.has_error());
    EXPECT_EQ(response.error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
    for (const std::string& mention : c.mentions) {
      EXPECT_THAT(response.error().message(), HasSubstr(mention));
    }
  }
  // A bad ack_every rejects its request (the reading with it is not taken).
  ASSERT_EQ(
      Request(*session, sink, MakeRequest("s1,1,2,3,4,5", {{"ack_every", "0"}}, ++sequence)).kind(),
      Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_THAT(sink.TakeResponses()[0].error().message(), HasSubstr("'ack_every'"));
  // The stream stays open and only good readings count.
  ASSERT_EQ(Request(*session, sink, MakeRequest("s1,1,2,3,4,5", {}, ++sequence)).kind(),
            Step::Kind::kDone);
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "count"), "1");
  EXPECT_EQ(Param(sink.responses()[0], "acked_sequence"), absl::StrCat(sequence));
}

TEST(SensorsModelTest, IngestFailsTheCallOnAMalformedReading) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kClientStreaming));
  FakeSink sink;
  ASSERT_EQ(Request(*session, sink, MakeRequest("s1,1,2,3,4,5")).kind(), Step::Kind::kDone);
  const Step step = Request(*session, sink, MakeRequest("s1,1,hot,3,4,5"));
  ASSERT_EQ(step.kind(), Step::Kind::kFail);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(step.status().message(), HasSubstr("'temperature'"));
  EXPECT_THAT(step.status().message(), HasSubstr("'hot'"));
  EXPECT_TRUE(sink.responses().empty());  // Ingest never answers before half-close.
}

TEST(SensorsModelTest, EmptyIngestSummarizesNothing) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kClientStreaming));
  FakeSink sink;
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "count"), "0");
  EXPECT_EQ(Param(sink.responses()[0], "sensors"), "0");
  EXPECT_EQ(sink.responses()[0].payload(), "");
}

TEST(SensorsModelTest, SensorsPerStreamAreBounded) {
  SensorsModel model;
  auto session = OpenSession(model, MakeContext("sensors", RpcKind::kBidiStreaming));
  FakeSink sink;
  for (int s = 0; s < 1024; ++s) {
    ASSERT_EQ(Request(*session, sink, MakeRequest(absl::StrCat("s", s, ",1,2,3,4,5"))).kind(),
              Step::Kind::kDone);
  }
  sink.TakeResponses();
  ASSERT_EQ(Request(*session, sink, MakeRequest("one-more,1,2,3,4,5")).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(sink.responses()[0].error().code(),
            static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(sink.responses()[0].error().message(), HasSubstr("'one-more'"));
  sink.TakeResponses();
  // Known sensors still report.
  ASSERT_EQ(Request(*session, sink, MakeRequest("s7,1,2,3,4,5")).kind(), Step::Kind::kDone);
  EXPECT_TRUE(sink.responses().empty());
}

TEST(SensorsModelTest, RefusesUnaryAndServerStreaming) {
  SensorsModel model;
  for (RpcKind kind : {RpcKind::kUnary, RpcKind::kServerStreaming}) {
    auto session = model.NewSession(MakeContext("sensors", kind));
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(session.status().message(), HasSubstr("serves Ingest, Stream"));
  }
}

}  // namespace
}  // namespace sluice::models::testing
