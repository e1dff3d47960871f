// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyDocument: a YAML or JSON file's text onto a config.

#include "engine/config/sources.h"

#include <exception>

#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/config/internal/yaml_apply.h"

namespace sluice::config {
namespace {

// The text of line `line` (from 0), for a syntax error's value.
std::string LineAt(absl::string_view text, int line) {
  int index = 0;
  for (absl::string_view candidate : absl::StrSplit(text, '\n')) {
    if (index++ == line) return std::string(candidate);
  }
  return "";
}

}  // namespace

void ApplyDocument(std::string_view text_in, std::string_view source_in, v1::SluiceConfig* config,
                   std::vector<FieldError>* errors) {
  const absl::string_view text(text_in.data(), text_in.size());
  const absl::string_view source_name(source_in.data(), source_in.size());
  // yaml-cpp reports everything by exception; none may leave the library.
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      errors->push_back({.path = "(document)",
                         .value = "",
                         .reason = absl::StrCat("expected one YAML document, found ",
                                                documents.size(), " (separated by ---)"),
                         .source = std::string(source_name)});
      return;
    }
    if (documents.empty()) return;  // Empty, or only comments.
    internal::ApplyYamlMap(documents.front(), *config, "",
                           {.source = source_name, .with_lines = true, .errors = errors});
  } catch (const YAML::ParserException& e) {
    errors->push_back({.path = "(document)",
                       .value = LineAt(text, e.mark.line),
                       .reason = absl::StrCat("YAML syntax error at line ", e.mark.line + 1,
                                              ", column ", e.mark.column + 1, ": ", e.msg),
                       .source = std::string(source_name)});
  } catch (const std::exception& e) {
    errors->push_back({.path = "(document)",
                       .value = "",
                       .reason = absl::StrCat("cannot read the document: ", e.what()),
                       .source = std::string(source_name)});
  } catch (...) {
    errors->push_back({.path = "(document)",
                       .value = "",
                       .reason = "cannot read the document",
                       .source = std::string(source_name)});
  }
}

}  // namespace sluice::config
