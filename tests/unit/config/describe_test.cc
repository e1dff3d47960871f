// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// DescribeFields, and the docs test: docs/config.md documents every field.

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/config/describe.h"
#include "engine/config/internal/schema.h"
#include "sluice/config/v1/config.pb.h"

namespace sluice::config {
namespace {

using ::testing::Contains;
using ::testing::Field;

const FieldInfo* Find(const std::vector<FieldInfo>& fields, const std::string& path) {
  for (const FieldInfo& field : fields) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

TEST(DescribeFieldsTest, ReadsSpecAndCommentFromTheSchema) {
  const std::vector<FieldInfo> fields = DescribeFields();
  const FieldInfo* credits = Find(fields, "streams.credits_per_stream");
  ASSERT_NE(credits, nullptr);
  EXPECT_EQ(credits->type, "uint32");
  EXPECT_EQ(credits->unit, "requests");
  EXPECT_EQ(credits->default_text, "64");
  EXPECT_EQ(credits->min, 1);
  EXPECT_EQ(credits->max, 65536);
  EXPECT_TRUE(credits->live);
  EXPECT_EQ(credits->doc, "Requests one stream may have in flight toward its model.");
  EXPECT_EQ(credits->environment_variable, "SLUICE_STREAMS_CREDITS_PER_STREAM");

  const FieldInfo* name = Find(fields, "models[].name");
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(name->required);
  EXPECT_EQ(name->environment_variable, "");
  EXPECT_THAT(fields, Contains(Field(&FieldInfo::path, "models[].parameters")));
  EXPECT_EQ(Find(fields, "streams"), nullptr);  // Sections are not fields.
}

TEST(DescribeFieldsTest, EveryFieldHasASpecACommentAndUniqueVariable) {
  std::set<std::string> variables;
  for (const FieldInfo& field : DescribeFields()) {
    EXPECT_FALSE(field.doc.empty()) << field.path << " has no comment in config.proto";
    if (field.type != "string" && field.type != "map<string, string>") {
      EXPECT_FALSE(field.default_text.empty()) << field.path << " has no default_text";
    }
    // Every scalar outside the models list can be set from the environment.
    if (absl::StartsWith(field.path, "models")) {
      EXPECT_EQ(field.environment_variable, "") << field.path;
    } else {
      EXPECT_TRUE(variables.insert(field.environment_variable).second)
          << field.path << ": " << field.environment_variable << " is empty or names two fields";
    }
  }
}

// The docs test: each field has a row in docs/config.md's reference table,
// `| `path` | ...`, that shows its default and whether it is live, so the
// table cannot silently fall behind the schema.
TEST(DescribeFieldsTest, DocsConfigMdHasARowForEveryField) {
  std::ifstream file(SLUICE_CONFIG_DOC);
  ASSERT_TRUE(file.good()) << "cannot read " << SLUICE_CONFIG_DOC;
  std::stringstream text;
  text << file.rdbuf();
  std::map<std::string, std::string> rows;  // path -> the rest of its row
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    if (!absl::StartsWith(line, "| `")) continue;
    const size_t end = line.find("` |");
    if (end == absl::string_view::npos) continue;
    rows[std::string(line.substr(3, end - 3))] = std::string(line.substr(end));
  }
  for (const FieldInfo& field : DescribeFields()) {
    const auto row = rows.find(field.path);
    if (row == rows.end()) {
      ADD_FAILURE() << field.path << " is not documented in docs/config.md (regenerate the "
                    << "table with sluice_config_reference)";
      continue;
    }
    EXPECT_THAT(row->second, ::testing::HasSubstr(field.live ? "| live |" : "| restart |"))
        << field.path;
    if (!field.default_text.empty() && field.type != "list") {
      EXPECT_THAT(row->second, ::testing::HasSubstr(field.default_text)) << field.path;
    }
  }
}

}  // namespace
}  // namespace sluice::config
