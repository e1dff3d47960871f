// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Parsing of the flags all `sluice` subcommands share (see call_options.h).

#include "tools/call_options.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/command.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kCallFlags[] = {
    {"help", FlagKind::kSwitch},     {"target", FlagKind::kValue},   {"model", FlagKind::kValue},
    {"version", FlagKind::kValue},   {"param", FlagKind::kRepeated}, {"timeout", FlagKind::kValue},
    {"stream-id", FlagKind::kValue},
};

constexpr FlagSpec kOutputFlags[] = {{"raw", FlagKind::kSwitch}, {"json", FlagKind::kSwitch}};

// About 31 years: beyond this a "timeout" is a typo, and absl::Duration arithmetic stays exact.
constexpr double kMaxTimeoutSeconds = 1e9;

absl::Status ParseTimeout(const ParsedFlags& flags, CallOptions* options) {
  if (!flags.Has("timeout")) return absl::OkStatus();
  options->timeout_text = flags.ValueOr("timeout", "");
  double seconds = 0;
  if (!absl::SimpleAtod(options->timeout_text, &seconds) || !std::isfinite(seconds) ||
      seconds <= 0 || seconds > kMaxTimeoutSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--timeout wants a positive number of seconds, got '", options->timeout_text, "'"));
  }
  options->timeout = absl::Seconds(seconds);
  return absl::OkStatus();
}

absl::Status AddParameter(absl::string_view flag_value, std::map<std::string, std::string>* out) {
  size_t eq = flag_value.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--param wants KEY=VALUE with a non-empty KEY, got '", flag_value, "'"));
  }
  std::string key(flag_value.substr(0, eq));
  if (!out->emplace(key, flag_value.substr(eq + 1)).second) {
    return absl::InvalidArgumentError(absl::StrCat("--param ", key, " given more than once"));
  }
  return absl::OkStatus();
}

// Usage lines of the shared flags except --model (whose default differs per command) and the
// output switches.
constexpr absl::string_view kCallFlagsUsage =
    R"(  --target HOST:PORT    server address (default 127.0.0.1:50051)
  --version V           model version (default: the model's default version)
  --param KEY=VALUE     request parameter; repeat for more
  --stream-id ID        stream_id sent with every request (default: empty)
  --timeout SECONDS     deadline for the whole call, e.g. 30 or 0.5
                        (default: none)
  -h, --help            show this help
)";

}  // namespace

CommandLine::CommandLine(const CommandSpec& spec)
    : spec_(spec),
      usage_(absl::StrCat(spec.usage_head, spec.resume_flags ? kResumeFlagsUsage : "",
                          kCallFlagsUsage, spec.usage_tail)) {}

bool CommandLine::Parse(absl::Span<const char* const> args) {
  std::vector<FlagSpec> specs(std::begin(kCallFlags), std::end(kCallFlags));
  specs.insert(specs.end(), spec_.flags.begin(), spec_.flags.end());
  if (spec_.output_switches) {
    specs.insert(specs.end(), std::begin(kOutputFlags), std::end(kOutputFlags));
  }
  if (spec_.resume_flags) {
    specs.insert(specs.end(), ResumeFlagSpecs().begin(), ResumeFlagSpecs().end());
  }
  absl::StatusOr<ParsedFlags> flags = ParseFlags(specs, args);
  if (!flags.ok()) {
    exit_code_ = UsageError(flags.status().message());
    return false;
  }
  flags_ = *std::move(flags);
  if (flags_.Has("help")) {
    std::fwrite(usage_.data(), 1, usage_.size(), stdout);
    exit_code_ = kExitOk;
    return false;
  }
  if (absl::Status status = ParseCall(); !status.ok()) {
    exit_code_ = UsageError(status.message());
    return false;
  }
  return true;
}

absl::Status CommandLine::ParseCall() {
  if (flags_.positional().size() > spec_.max_positional) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected argument '",
                                                   flags_.positional()[spec_.max_positional], "' (",
                                                   spec_.positional_hint, ")"));
  }
  call_.model = flags_.ValueOr("model", spec_.default_model);
  if (call_.model.empty()) return absl::InvalidArgumentError("--model is required");
  call_.target = flags_.ValueOr("target", kDefaultTarget);
  if (call_.target.empty()) return absl::InvalidArgumentError("--target must not be empty");
  call_.version = flags_.ValueOr("version", "");
  call_.stream_id = flags_.ValueOr("stream-id", "");
  for (const std::string& param : flags_.Values("param")) {
    if (absl::Status status = AddParameter(param, &call_.parameters); !status.ok()) return status;
  }
  if (absl::Status status = ParseTimeout(flags_, &call_); !status.ok()) return status;
  // Without output_switches these flags never parse, so both are false.
  if (flags_.Has("raw") && flags_.Has("json")) {
    return absl::InvalidArgumentError("--raw and --json exclude each other");
  }
  if (flags_.Has("raw")) call_.output = OutputFormat::kRaw;
  if (flags_.Has("json")) call_.output = OutputFormat::kJson;
  // Without resume_flags these flags never parse, so this is nullopt.
  absl::StatusOr<std::optional<ResumePolicy>> resume = ParseResumePolicy(flags_);
  if (!resume.ok()) return resume.status();
  call_.resume = *std::move(resume);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CommandLine::InputPath(absl::string_view fallback) const {
  if (flags_.positional().empty()) return flags_.ValueOr("file", fallback);
  if (flags_.Has("file")) {
    return absl::InvalidArgumentError(absl::StrCat("give the input once: '",
                                                   flags_.positional().front(), "' or --file ",
                                                   flags_.ValueOr("file", "")));
  }
  return flags_.positional().front();
}

int CommandLine::UsageError(absl::string_view problem) const {
  absl::FPrintF(stderr, "sluice %s: %s\n\n%s", spec_.name, problem, usage_);
  return kExitUsage;
}

v1::InferRequest MakeRequest(const CallOptions& options) {
  v1::InferRequest request;
  request.set_sequence(1);
  request.set_stream_id(options.stream_id);
  request.set_model(options.model);
  request.set_model_version(options.version);
  request.mutable_parameters()->insert(options.parameters.begin(), options.parameters.end());
  return request;
}

void ApplyDeadline(const CallOptions& options, grpc::ClientContext* context) {
  if (options.timeout.has_value()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + *options.timeout));
  }
}

absl::StatusOr<uint64_t> ParseCount(absl::string_view flag, absl::string_view text, uint64_t min,
                                    uint64_t max) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " wants a whole number from ", min,
                                                   " to ", max, ", got '", text, "'"));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view flag, absl::string_view text, uint64_t min,
                                       uint64_t max) {
  auto error = [&] {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " wants a size from ", min, " to ",
                                                   max, " bytes, like 4096, 64M or 1GiB; got '",
                                                   text, "'"));
  };
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  uint64_t value = 0;
  if (digits == 0 || !absl::SimpleAtoi(text.substr(0, digits), &value)) return error();
  const std::string suffix = absl::AsciiStrToUpper(text.substr(digits));
  int shift = 0;
  if (suffix == "K" || suffix == "KIB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "MIB") {
    shift = 20;
  } else if (suffix == "G" || suffix == "GIB") {
    shift = 30;
  } else if (!suffix.empty() && suffix != "B") {
    return error();
  }
  if (value > (max >> shift) || (value << shift) < min) return error();
  return value << shift;
}

}  // namespace sluice::cli
