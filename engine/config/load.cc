// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/load.h"

#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/config/defaults.h"
#include "engine/config/diff.h"
#include "engine/config/field_error.h"
#include "engine/config/internal/schema.h"
#include "engine/config/validate.h"

namespace sluice::config {
namespace {

// A configuration file is a few kilobytes; anything near this is a mistake
// (the wrong file), not a configuration.
constexpr size_t kMaxFileBytes = 16 << 20;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Reads the file into `text`, or reports why it cannot be read.
bool ReadFile(const std::string& path, std::string* text, std::vector<FieldError>* errors) {
  const auto fail = [&](std::string reason) {
    errors->push_back({.path = "(file)", .value = "", .reason = std::move(reason), .source = path});
    return false;
  };
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return fail(absl::StrCat("cannot open: ", std::generic_category().message(errno)));
  }
  char buffer[1 << 14];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text->append(buffer, read);
    if (text->size() > kMaxFileBytes) return fail("larger than 16 MiB: not a configuration file");
  }
  if (std::ferror(file.get())) {
    return fail(absl::StrCat("cannot read: ", std::generic_category().message(errno)));
  }
  return true;
}

// Which source last changed each field, so that a validation error can name
// where the bad value came from.
class Origins {
 public:
  // Attributes every field that differs between `before` and `after` to the
  // source `source_of(path)` names.
  template <typename SourceOf>
  void Record(const v1::SluiceConfig& before, const v1::SluiceConfig& after,
              const SourceOf& source_of) {
    const ConfigChange change = Diff(before, after);
    for (const auto* paths : {&change.live, &change.restart}) {
      for (const std::string& path : *paths) origin_[path] = source_of(path);
    }
  }

  // The source for `path` or for the nearest enclosing path that has one
  // ("models[2].name" -> "models").
  std::string SourceOf(std::string path) const {
    while (!path.empty()) {
      if (auto found = origin_.find(path); found != origin_.end()) return found->second;
      const size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos) break;
      path.resize(cut);
    }
    return "defaults";
  }

 private:
  std::map<std::string, std::string> origin_;
};

}  // namespace

absl::StatusOr<v1::SluiceConfig> Load(const LoadRequest& request) {
  std::vector<FieldError> errors;
  Origins origins;
  v1::SluiceConfig config = Defaults();

  if (!request.file_path.empty()) {
    std::string text;
    if (ReadFile(request.file_path, &text, &errors)) {
      const v1::SluiceConfig before = config;
      ApplyDocument(text, request.file_path, &config, &errors);
      origins.Record(before, config, [&](const std::string&) { return request.file_path; });
    }
  }

  {
    const v1::SluiceConfig before = config;
    ApplyEnvironment(request.environment, &config, &errors);
    // Variables set scalars only, so each changed path has its own variable.
    origins.Record(before, config, [](const std::string& path) {
      return absl::StrCat("$", internal::EnvironmentName(path));
    });
  }

  for (const Override& override : request.overrides) {
    const v1::SluiceConfig before = config;
    ApplyOverride(override.path, override.value, override.source, &config, &errors);
    origins.Record(before, config, [&](const std::string&) { return override.source; });
  }

  for (FieldError& error : Validate(config, request.known_model_kinds)) {
    error.source = origins.SourceOf(error.path);
    errors.push_back(std::move(error));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(FormatErrors(errors));
  return config;
}

}  // namespace sluice::config
