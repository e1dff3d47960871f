// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluice_config_reference: prints the field reference table of docs/config.md
// from DescribeFields(), so the table is regenerated, not retyped, when the
// schema changes:
//   build/engine/config/sluice_config_reference > /tmp/table.md

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/config/describe.h"
#include "engine/config/internal/scalar.h"

namespace {

std::string Range(const sluice::config::FieldInfo& field) {
  using sluice::config::internal::FormatDouble;
  if (field.min.has_value() && field.max.has_value()) {
    return absl::StrCat(FormatDouble(*field.min), " to ", FormatDouble(*field.max));
  }
  if (field.min.has_value()) return absl::StrCat("at least ", FormatDouble(*field.min));
  if (field.max.has_value()) return absl::StrCat("at most ", FormatDouble(*field.max));
  return "";
}

std::string Default(const sluice::config::FieldInfo& field) {
  if (field.type == "list") return field.default_text;  // A description, not a value.
  if (field.required && field.default_text.empty()) return "required";
  if (field.type == "string") return absl::StrCat("`\"", field.default_text, "\"`");
  if (field.default_text.empty()) return "";
  return absl::StrCat("`", field.default_text, "`");
}

}  // namespace

int main() {
  std::printf("| path | type | unit | default | range | applied | meaning |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const sluice::config::FieldInfo& field : sluice::config::DescribeFields()) {
    const std::string type = absl::StrReplaceAll(field.type, {{"|", "\\|"}});
    std::string meaning = absl::StrReplaceAll(field.doc, {{"|", "\\|"}});
    if (!field.environment_variable.empty()) {
      absl::StrAppend(&meaning, " Variable: `", field.environment_variable, "`.");
    }
    std::printf("| `%s` | %s | %s | %s | %s | %s | %s |\n", field.path.c_str(), type.c_str(),
                field.unit.c_str(), Default(field).c_str(), Range(field).c_str(),
                field.live ? "live" : "restart", meaning.c_str());
  }
  return 0;
}
