// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ParseDecimal: its fast path for plain decimals must give exactly the double
// std::from_chars gives, and leave every other shape to from_chars.

#include "engine/models/parameters.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"

namespace sluice::models::internal {
namespace {

constexpr double kNoLimit = 1e300;

// What the parse must agree with: the correctly rounded value of `text`.
double FromChars(const std::string& text) {
  const char* begin = text.data();
  if (text.size() > 1 && text[0] == '+') ++begin;
  double value = 0;
  const auto result = std::from_chars(begin, text.data() + text.size(), value);
  EXPECT_EQ(result.ec, std::errc()) << text;
  return value;
}

void ExpectSameAsFromChars(const std::string& text) {
  double parsed = 0;
  ASSERT_TRUE(ParseDecimal(text, kNoLimit, &parsed)) << text;
  const double expected = FromChars(text);
  // Bit for bit: the same double, and the same sign of zero.
  EXPECT_EQ(parsed, expected) << text;
  EXPECT_EQ(std::signbit(parsed), std::signbit(expected)) << text;
}

TEST(ParseDecimalTest, PlainDecimalsMatchFromCharsExactly) {
  std::mt19937_64 random(20261121);
  for (int i = 0; i < 200'000; ++i) {
    // 1 to 19 digits (the fast path's most) with a point anywhere inside.
    const int digits = 1 + static_cast<int>(random() % 19);
    std::string text;
    if (random() % 3 == 0) text += random() % 2 == 0 ? '-' : '+';
    const int point = static_cast<int>(random() % static_cast<uint64_t>(digits));
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + random() % 10);
    }
    ExpectSameAsFromChars(text);
  }
}

TEST(ParseDecimalTest, EdgesOfTheFastPathMatchFromChars) {
  for (const std::string text :
       {"0", "-0", "+0", "-0.0", "007", "0.1", "0.3", "-12.375", "23.45", "1000",
        // 2^53, and past it (from_chars rounds; so must we).
        "9007199254740992", "9007199254740993", "9007199254740995", "900719925474099.3",
        "18446744073709551615", "12345678901234567890",
        // 22 decimals (the last exact power of ten) and 23.
        "0.0000000000000000000001", "0.00000000000000000000001", "1.0000000000000000000001",
        "4.94065645841246544e-324", "1e3", "1E3", "5.", ".5", "-.5", "  12.5  ", "\t-3\n"}) {
    SCOPED_TRACE(text);
    const std::string trimmed(absl::StripAsciiWhitespace(text));
    ExpectSameAsFromChars(trimmed);
    double spaced = 0;
    ASSERT_TRUE(ParseDecimal(text, kNoLimit, &spaced));
    EXPECT_EQ(spaced, FromChars(trimmed));
  }
}

TEST(ParseDecimalTest, RefusesWhatIsNotADecimalOrIsOutOfRange) {
  double value = 0;
  for (const char* text : {"", " ", "-", "+", ".", "+-1", "-+1", "--1", "1.5.1", "1,5", "0x10",
                           "inf", "-inf", "nan", "1e", "12a", "1 2"}) {
    EXPECT_FALSE(ParseDecimal(text, kNoLimit, &value)) << text;
  }
  EXPECT_TRUE(ParseDecimal("1000000000000", 1e12, &value));
  EXPECT_FALSE(ParseDecimal("1000000000000.1", 1e12, &value));
  EXPECT_FALSE(ParseDecimal("-1000000000000.1", 1e12, &value));
  EXPECT_FALSE(ParseDecimal("1e13", 1e12, &value));
  EXPECT_FALSE(ParseDecimal("1e400", kNoLimit, &value));
}

}  // namespace
}  // namespace sluice::models::internal
