// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `blob` model driven directly (no gRPC): downloads reassemble into a
// valid PPM image of the exact size and hash, uploads are confirmed by hash.

#include "engine/models/blob_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/unit/models/fake_sink.h"

namespace sluice::models::testing {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1 << 20;

// SHA-256 in one call: a second, independent way to the model's answer.
std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr), 1);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
}

// Parses a P6 header as a netpbm reader does (comments, any whitespace);
// returns the header's length, or 0 if it is not one.
size_t ParsePpmHeader(const std::string& image, uint64_t* width, uint64_t* height) {
  if (image.compare(0, 2, "P6") != 0) return 0;
  size_t pos = 2;
  uint64_t numbers[3];
  for (uint64_t& number : numbers) {
    while (pos < image.size() &&
           (std::isspace(static_cast<unsigned char>(image[pos])) || image[pos] == '#')) {
      if (image[pos] == '#') {
        while (pos < image.size() && image[pos] != '\n') ++pos;
      } else {
        ++pos;
      }
    }
    const size_t start = pos;
    while (pos < image.size() && std::isdigit(static_cast<unsigned char>(image[pos]))) ++pos;
    if (pos == start || !absl::SimpleAtoi(image.substr(start, pos - start), &number)) return 0;
  }
  if (numbers[2] != 255 || pos >= image.size() || image[pos] != '\n') return 0;
  *width = numbers[0];
  *height = numbers[1];
  return pos + 1;
}

struct Download {
  std::string blob;
  std::vector<v1::InferResponse> chunks;  // Without their payloads.
  Step last = Step::Done();
};

// Runs one download request, one OnResume at a time, keeping one chunk of
// payload in the sink at a time.
Download RunDownload(ModelSession& session, FakeSink& sink, const v1::InferRequest& request) {
  Download download;
  sink.StartCall();
  Step step = session.OnRequest(request, sink);
  while (true) {
    EXPECT_LE(sink.responses().size(), 1u) << "more than one chunk per call";
    for (v1::InferResponse& chunk : sink.TakeResponses()) {
      download.blob += chunk.payload();
      chunk.clear_payload();
      download.chunks.push_back(std::move(chunk));
    }
    if (step.kind() != Step::Kind::kResume) break;
    sink.StartCall();
    step = session.OnResume(sink);
  }
  download.last = step;
  return download;
}

void ExpectValidImage(const Download& download, uint64_t size, uint64_t chunk_bytes) {
  ASSERT_EQ(download.last.kind(), Step::Kind::kDone);
  ASSERT_EQ(download.blob.size(), size);
  const uint64_t total = (size + chunk_bytes - 1) / chunk_bytes;
  ASSERT_EQ(download.chunks.size(), total);
  for (uint64_t i = 0; i < total; ++i) {
    const v1::InferResponse& chunk = download.chunks[i];
    EXPECT_EQ(Param(chunk, "chunk_index"), absl::StrCat(i));
    EXPECT_EQ(Param(chunk, "total_chunks"), absl::StrCat(total));
    EXPECT_EQ(Param(chunk, "offset"), absl::StrCat(i * chunk_bytes));
    EXPECT_EQ(Param(chunk, "size_bytes"), absl::StrCat(size));
    EXPECT_EQ(chunk.parameters().contains("sha256"), i + 1 == total) << i;
  }
  EXPECT_EQ(Param(download.chunks.back(), "sha256"), Sha256Hex(download.blob));
  uint64_t width = 0;
  uint64_t height = 0;
  const size_t header = ParsePpmHeader(download.blob, &width, &height);
  ASSERT_GT(header, 0u) << download.blob.substr(0, 200);
  EXPECT_EQ(header + 3 * width * height, size);
  EXPECT_EQ(Param(download.chunks[0], "width"), absl::StrCat(width));
  EXPECT_EQ(Param(download.chunks[0], "height"), absl::StrCat(height));
  EXPECT_EQ(Param(download.chunks[0], "content_type"), "image/x-portable-pixmap");
}

TEST(BlobModelTest, DownloadsSixtyFourMebibytesInChunksWithTheirHash) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kServerStreaming));
  FakeSink sink;
  const Download download =
      RunDownload(*session, sink, MakeRequest("", {{"size_bytes", absl::StrCat(64 * kMiB)}}));
  ExpectValidImage(download, 64 * kMiB, kMiB);
  // A gradient: the first pixel is black in red and green, the last one not.
  uint64_t width = 0;
  uint64_t height = 0;
  const size_t header = ParsePpmHeader(download.blob, &width, &height);
  EXPECT_GT(width, 1000u);
  EXPECT_GT(height, 1000u);
  EXPECT_EQ(download.blob[header], '\0');
  EXPECT_EQ(static_cast<unsigned char>(download.blob[download.blob.size() - 3]), 255);
}

TEST(BlobModelTest, EverySizeIsExactAndEveryImageValid) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kBidiStreaming));
  FakeSink sink;
  for (uint64_t size :
       std::vector<uint64_t>{128, 129, 130, 131, 200, 1000, 4099, 65537, 1000003, kMiB + 7}) {
    for (uint64_t chunk : std::vector<uint64_t>{1, 97, 4096, kMiB}) {
      if (size / chunk > 20000) continue;  // Keep the test quick.
      SCOPED_TRACE(absl::StrCat("size ", size, " chunk ", chunk));
      ExpectValidImage(RunDownload(*session, sink,
                                   MakeRequest("", {{"size_bytes", absl::StrCat(size)},
                                                    {"chunk_bytes", absl::StrCat(chunk)},
                                                    {"seed", "7"}})),
                       size, chunk);
    }
  }
}

// The picture itself, checked pixel by pixel against its definition (red
// ramps with x, green with y, blue is (x ^ y) + seed), whatever the chunks'
// boundaries: mid-pixel, mid-row, or a row's first byte.
TEST(BlobModelTest, EveryPixelFollowsTheGradientAndTextureWhateverTheChunks) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kBidiStreaming));
  FakeSink sink;
  const uint64_t seed = 1234567;  // Only its low byte shows in blue.
  auto ramp = [](uint64_t i, uint64_t n) { return n <= 1 ? 0 : i * 255 / (n - 1); };
  for (uint64_t chunk : std::vector<uint64_t>{1, 47, 1000, 65536, kMiB}) {
    SCOPED_TRACE(absl::StrCat("chunk ", chunk));
    const Download download = RunDownload(*session, sink,
                                          MakeRequest("", {{"size_bytes", "300001"},
                                                           {"chunk_bytes", absl::StrCat(chunk)},
                                                           {"seed", absl::StrCat(seed)}}));
    uint64_t width = 0;
    uint64_t height = 0;
    const size_t header = ParsePpmHeader(download.blob, &width, &height);
    ASSERT_GT(header, 0u);
    int wrong = 0;
    for (uint64_t y = 0; y < height; ++y) {
      for (uint64_t x = 0; x < width; ++x) {
        const auto* pixel = reinterpret_cast<const unsigned char*>(download.blob.data() + header +
                                                                   3 * (y * width + x));
        const unsigned expected[3] = {static_cast<unsigned>(ramp(x, width)),
                                      static_cast<unsigned>(ramp(y, height)),
                                      static_cast<unsigned>(((x ^ y) + seed) & 0xff)};
        for (int c = 0; c < 3; ++c) {
          if (pixel[c] != expected[c] && ++wrong <= 3) {
            ADD_FAILURE() << "pixel (" << x << ", " << y << ") channel " << c << " is "
                          << unsigned{pixel[c]} << ", expected " << expected[c];
          }
        }
      }
    }
    EXPECT_EQ(wrong, 0);
  }
}

TEST(BlobModelTest, SameSeedSameBytesOtherSeedOtherBytes) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kBidiStreaming));
  FakeSink sink;
  auto hash = [&](const std::string& seed) {
    Download d =
        RunDownload(*session, sink, MakeRequest("", {{"size_bytes", "300000"}, {"seed", seed}}));
    return Param(d.chunks.back(), "sha256");
  };
  EXPECT_EQ(hash("1"), hash("1"));
  EXPECT_NE(hash("1"), hash("2"));
  EXPECT_EQ(hash("18446744073709551615").size(), 64u);
}

TEST(BlobModelTest, DefaultIsEightMebibytesInOneMebibyteChunks) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kServerStreaming));
  FakeSink sink(/*room_per_call=*/1);
  ExpectValidImage(RunDownload(*session, sink, MakeRequest("")), 8 * kMiB, kMiB);
}

TEST(BlobModelTest, BadDownloadParametersAreNamed) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kBidiStreaming));
  FakeSink sink;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"size_bytes", "0"},
      {"size_bytes", "127"},
      {"size_bytes", "1073741825"},
      {"size_bytes", "-1"},
      {"size_bytes", "8MiB"},
      {"chunk_bytes", "0"},
      {"chunk_bytes", "4194305"},
      {"seed", "x"},
      {"seed", "18446744073709551616"},
      {"seed", "+1"},
      {"size_bytes", " 4096"},
  };
  for (const auto& [name, value] : cases) {
    SCOPED_TRACE(name + "=" + value);
    ASSERT_EQ(Request(*session, sink, MakeRequest("", {{name, value}})).kind(), Step::Kind::kDone);
    ASSERT_EQ(sink.responses().size(), 1u);
    const v1::InferResponse response = sink.TakeResponses()[0];
    ASSERT_TRUE(response.has_error());
    EXPECT_EQ(response.error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(response.error().message(), HasSubstr("'" + name + "'"));
    EXPECT_THAT(response.error().message(), HasSubstr("'" + value + "'"));
  }
}

TEST(BlobModelTest, UploadOfSixtyFourMebibytesIsConfirmedWithItsHash) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kClientStreaming));
  FakeSink sink;
  std::string data(64 * kMiB, '\0');
  uint64_t state = 88172645463325252ull;  // xorshift64: bytes no pattern repeats in.
  for (char& c : data) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<char>(state);
  }
  v1::InferRequest request;
  for (uint64_t i = 0; i < 64; ++i) {
    request.set_payload(data.substr(i * kMiB, kMiB));
    (*request.mutable_parameters())["chunk_index"] = absl::StrCat(i);
    ASSERT_EQ(Request(*session, sink, request).kind(), Step::Kind::kDone);
  }
  EXPECT_TRUE(sink.responses().empty());  // Ingest answers only at half-close.
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "size_bytes"), absl::StrCat(64 * kMiB));
  EXPECT_EQ(Param(sink.responses()[0], "chunks"), "64");
  EXPECT_EQ(Param(sink.responses()[0], "sha256"), Sha256Hex(data));
}

TEST(BlobModelTest, EmptyUploadHasTheEmptyHash) {
  BlobModel model;
  auto session = OpenSession(model, MakeContext("blob", RpcKind::kClientStreaming));
  FakeSink sink;
  ASSERT_EQ(HalfClose(*session, sink).kind(), Step::Kind::kDone);
  ASSERT_EQ(sink.responses().size(), 1u);
  EXPECT_EQ(Param(sink.responses()[0], "size_bytes"), "0");
  EXPECT_EQ(Param(sink.responses()[0], "chunks"), "0");
  EXPECT_EQ(Param(sink.responses()[0], "sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(BlobModelTest, UploadChunkOutOfOrderFailsNamingBothIndexes) {
  struct Case {
    std::vector<std::string> indexes;  // "" = no chunk_index parameter.
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {{"0", "1", "3"}, {"expected chunk_index 2", "received 3"}},
      {{"1"}, {"expected chunk_index 0", "received 1"}},
      {{"0", "0"}, {"expected chunk_index 1", "received 0"}},
      {{"0", ""}, {"without a 'chunk_index'", "expected chunk_index 1"}},
      {{"x"}, {"'chunk_index'", "'x'"}},
  };
  BlobModel model;
  for (const Case& c : cases) {
    auto session = OpenSession(model, MakeContext("blob", RpcKind::kClientStreaming));
    FakeSink sink;
    Step step = Step::Done();
    for (const std::string& index : c.indexes) {
      step = Request(
          *session, sink,
          index.empty() ? MakeRequest("data") : MakeRequest("data", {{"chunk_index", index}}));
    }
    ASSERT_EQ(step.kind(), Step::Kind::kFail);
    EXPECT_EQ(step.status().code(), absl::StatusCode::kInvalidArgument);
    for (const std::string& mention : c.mentions) {
      EXPECT_THAT(step.status().message(), HasSubstr(mention));
    }
    EXPECT_TRUE(sink.responses().empty());
  }
}

TEST(BlobModelTest, RefusesUnary) {
  BlobModel model;
  auto session = model.NewSession(MakeContext("blob", RpcKind::kUnary));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(session.status().message(), HasSubstr("serves Generate, Stream, Ingest, not Infer"));
}

}  // namespace
}  // namespace sluice::models::testing
