// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Entry point of the `sluice` command-line client: finds the subcommand in a table and runs it.
// A new subcommand (say, bench) is its own <name>_command.{h,cc} plus one row in kCommands.

#include <fcntl.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tools/bench_command.h"
#include "tools/command.h"
#include "tools/download_command.h"
#include "tools/generate_command.h"
#include "tools/infer_command.h"
#include "tools/ingest_command.h"
#include "tools/publish_command.h"
#include "tools/session_command.h"
#include "tools/stream_command.h"
#include "tools/subscribe_command.h"
#include "tools/upload_command.h"

namespace sluice::cli {
namespace {

constexpr Command kCommands[] = {
    {"infer", kInferSummary, &RunInferCommand},
    {"generate", kGenerateSummary, &RunGenerateCommand},
    {"ingest", kIngestSummary, &RunIngestCommand},
    {"stream", kStreamSummary, &RunStreamCommand},
    {"session", kSessionSummary, &RunSessionCommand},
    {"subscribe", kSubscribeSummary, &RunSubscribeCommand},
    {"publish", kPublishSummary, &RunPublishCommand},
    {"upload", kUploadSummary, &RunUploadCommand},
    {"download", kDownloadSummary, &RunDownloadCommand},
    {"bench", kBenchSummary, &RunBenchCommand},
};

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

void PrintUsage(std::FILE* out) {
  absl::FPrintF(out,
                "Usage: sluice <command> [flags]\n"
                "\n"
                "A command-line client for the Sluice inference service (sluice.v1.Inference).\n"
                "\n"
                "Commands:\n");
  for (const Command& command : kCommands) {
    absl::FPrintF(out, "  %-11s%s\n", command.name, command.summary);
  }
  absl::FPrintF(out,
                "  %-11s%s\n"
                "\n"
                "Run 'sluice <command> --help' for the flags of a command.\n"
                "Exit status: 0 on success, 1 if the RPC, a file or a check of the result failed,\n"
                "2 on a usage error.\n",
                "help", "Show this help, or a command's: sluice help <command>");
}

// A closed stdin, stdout or stderr (`sluice stream >&-`) would be reused by the next open(), so
// that e.g. a gRPC socket created later would receive what we print. /dev/null fills the gap.
// Descriptors that libraries already took during static initialisation cannot be reclaimed;
// LineReader::ForStdin() copes with that case for stdin.
void ReserveStandardDescriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      // open() returns the lowest free descriptor, which is `fd` itself; if it fails there is
      // nothing better to do than carry on.
      [[maybe_unused]] int reserved = open("/dev/null", O_RDWR);
    }
  }
}

int Main(absl::Span<const char* const> args) {
  ReserveStandardDescriptors();
  if (args.empty()) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  absl::string_view name = args.front();
  if (name == "help" || name == "--help" || name == "-h") {
    if (args.size() == 1) {
      PrintUsage(stdout);
      return kExitOk;
    }
    // `sluice help stream` is `sluice stream --help`.
    const Command* command = FindCommand(args[1]);
    if (command == nullptr || args.size() > 2) {
      absl::FPrintF(stderr, "sluice: no help for '%s'\n\n", args[1]);
      PrintUsage(stderr);
      return kExitUsage;
    }
    const char* const help_args[] = {"--help"};
    return command->run(absl::MakeConstSpan(help_args));
  }
  if (const Command* command = FindCommand(name); command != nullptr) {
    return command->run(args.subspan(1));
  }
  absl::FPrintF(stderr, "sluice: unknown command '%s'\n\n", name);
  PrintUsage(stderr);
  return kExitUsage;
}

}  // namespace
}  // namespace sluice::cli

int main(int argc, char** argv) {
  return sluice::cli::Main(absl::Span<const char* const>(argv + 1, static_cast<size_t>(argc - 1)));
}
