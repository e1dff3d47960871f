// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// FormatErrors: one line per error, whatever the value holds.

#include <string>

#include <gtest/gtest.h>

#include "engine/config/field_error.h"

namespace sluice::config {
namespace {

TEST(FormatErrorsTest, OneLinePerErrorWithSourcePathReasonAndValue) {
  EXPECT_EQ(FormatErrors({{.path = "a.b", .value = "x", .reason = "bad", .source = "f.yaml:3"},
                          {.path = "c", .value = "", .reason = "is required", .source = ""}}),
            "f.yaml:3: a.b: bad (got \"x\")\nc: is required");
}

TEST(FormatErrorsTest, EscapesAndCutsTheValue) {
  const std::string long_value(150, 'v');
  EXPECT_EQ(FormatErrors({{.path = "p", .value = "a\"b\nc\\", .reason = "r", .source = "s"},
                          {.path = "p", .value = long_value, .reason = "r", .source = "s"}}),
            "s: p: r (got \"a\\\"b\\nc\\\\\")\ns: p: r (got \"" + std::string(100, 'v') + "\"...)");
}

TEST(FormatErrorsTest, NoErrorsIsEmpty) { EXPECT_EQ(FormatErrors({}), ""); }

}  // namespace
}  // namespace sluice::config
