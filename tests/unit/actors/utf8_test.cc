// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/utf8.h"

#include <gtest/gtest.h>

namespace sluice::actors {
namespace {

TEST(Utf8Test, ValidTextIsUnchanged) {
  EXPECT_EQ(ToValidUtf8("plain"), "plain");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(ToValidUtf8(""), "");
}

TEST(Utf8Test, InvalidBytesAreEscaped) {
  EXPECT_EQ(ToValidUtf8("caf\xE9,1"), "caf\\xE9,1");                // Latin-1, not UTF-8.
  EXPECT_EQ(ToValidUtf8("cut \xE2\x82"), "cut \\xE2\\x82");         // Truncated sequence.
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\\xC0\\xAF");                 // Overlong '/'.
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");        // A surrogate.
  EXPECT_EQ(ToValidUtf8("ok \xC3\xA9 \xFF"), "ok \xC3\xA9 \\xFF");  // Valid parts kept.
}

}  // namespace
}  // namespace sluice::actors
