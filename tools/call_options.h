// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The flags every `sluice` subcommand shares (--target, --model, --version, --stream-id, --param,
// --timeout, --raw/--json, --help): their specs, usage text and parsing into CallOptions, and the
// request and deadline a call builds from them.

#pragma once

#include <map>
#include <optional>
#include <string>

#include <grpcpp/client_context.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "sluice/v1/inference.pb.h"
#include "tools/cli_flags.h"
#include "tools/response_printer.h"
#include "tools/resume_policy.h"

namespace sluice::cli {

inline constexpr char kDefaultTarget[] = "127.0.0.1:50051";

// The validated shared flags of one command line. A value type, built on the main thread and
// afterwards only read (also by a command's writer thread).
struct CallOptions {
  std::string target = kDefaultTarget;
  std::string model;
  std::string version;
  std::string stream_id;
  std::map<std::string, std::string> parameters;
  // The deadline of the whole call, and the --timeout text as the user wrote it for messages.
  std::optional<absl::Duration> timeout;
  std::string timeout_text;
  OutputFormat output = OutputFormat::kText;
  // Set by --resume (only on commands whose spec has resume_flags).
  std::optional<ResumePolicy> resume;
};

// The fixed description of a subcommand's command line; each command keeps one as a constant.
struct CommandSpec {
  // The subcommand, as messages name it ("sluice infer: ...").
  absl::string_view name = {};
  // The command's own flags.
  absl::Span<const FlagSpec> flags = {};
  // Whether it offers --raw and --json (which set CallOptions::output).
  bool output_switches = false;
  // Whether it offers --resume and its flags (which set CallOptions::resume).
  bool resume_flags = false;
  // Used when --model is not given; empty makes --model required.
  absl::string_view default_model = {};
  // The help text before the shared flags' lines (--target, --version, --param, --stream-id,
  // --timeout, --help), through the command's own flag lines, and after them. The --resume
  // flags' lines go between the command's own and the shared ones.
  absl::string_view usage_head = {};
  absl::string_view usage_tail = {};
  // How many positional arguments the command takes (0 or 1), and what a stray one is told,
  // e.g. "use --payload TEXT to send text".
  size_t max_positional = 0;
  absl::string_view positional_hint = {};
};

// One command line parsed against the shared flags plus a CommandSpec's. Owned by the command's
// Run function; main thread only.
class CommandLine {
 public:
  explicit CommandLine(const CommandSpec& spec);

  // Parses `args`. Returns false when the command is to return exit_code() at once: after --help
  // (the usage printed on stdout, kExitOk) or a usage error (printed on stderr with the usage,
  // kExitUsage): an unknown flag, a malformed --param or --timeout, --raw with --json, a missing
  // --model, or too many positional arguments.
  bool Parse(absl::Span<const char* const> args);
  int exit_code() const { return exit_code_; }

  const ParsedFlags& flags() const { return flags_; }
  const CallOptions& call() const { return call_; }
  // For commands that read one input, given as FILE or --file PATH (listed among their flags):
  // that path, or `fallback` if neither is given. Both at once is an InvalidArgumentError.
  absl::StatusOr<std::string> InputPath(absl::string_view fallback) const;

  // Prints "sluice <name>: <problem>" and the usage to stderr and returns kExitUsage.
  int UsageError(absl::string_view problem) const;

 private:
  absl::Status ParseCall();

  const CommandSpec& spec_;
  const std::string usage_;
  ParsedFlags flags_;
  CallOptions call_;
  int exit_code_ = 0;
};

// A call's first request (sequence 1) with the options' model, version, stream_id and parameters.
v1::InferRequest MakeRequest(const CallOptions& options);

// Sets the call's deadline from --timeout, if any.
void ApplyDeadline(const CallOptions& options, grpc::ClientContext* context);

// Parses a flag value that must be a whole number in [min, max]; the error names --`flag`.
absl::StatusOr<uint64_t> ParseCount(absl::string_view flag, absl::string_view text, uint64_t min,
                                    uint64_t max);

// Parses a flag value that must be a byte count in [min, max]: a whole number, optionally with
// a suffix K, M or G (powers of 1024; KiB, MiB, GiB too). The error names --`flag`.
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view flag, absl::string_view text, uint64_t min,
                                       uint64_t max);

}  // namespace sluice::cli
