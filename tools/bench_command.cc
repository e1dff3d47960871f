// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice bench`: its flags and help, and the run: channels, one CallSlot per stream, the main
// thread ticking the pace and the progress line until every slot is done, then the report.

#include "tools/bench_command.h"

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "sluice/v1/inference.grpc.pb.h"
#include "tools/bench_call_slot.h"
#include "tools/bench_calls.h"
#include "tools/bench_options.h"
#include "tools/bench_recorder.h"
#include "tools/bench_report.h"
#include "tools/bench_tickets.h"
#include "tools/call_options.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/process_cpu.h"
#include "tools/progress_line.h"
#include "tools/status_text.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"rpc", FlagKind::kValue},      {"streams", FlagKind::kValue},
    {"channels", FlagKind::kValue}, {"messages-per-stream", FlagKind::kValue},
    {"payload", FlagKind::kValue},  {"payload-bytes", FlagKind::kValue},
    {"rate", FlagKind::kValue},     {"window", FlagKind::kValue},
    {"duration", FlagKind::kValue}, {"count", FlagKind::kValue},
    {"warmup", FlagKind::kValue},   {"server-pid", FlagKind::kValue},
    {"json", FlagKind::kSwitch},    {"progress", FlagKind::kSwitch},
};

constexpr CommandSpec kSpec = {
    .name = "bench",
    .flags = kFlags,
    .usage_head = R"(Usage: sluice bench --model NAME [--rpc infer|generate|ingest|stream] [flags]

Drives load against sluice.v1.Inference and reports throughput, latency
percentiles (p50, p90, p99, p99.9, max), time to first response, errors by
status code and the CPU it cost. All calls run on gRPC's callback API: no
thread per stream.

What is measured, per --rpc:
  infer     one request per call; latency: request to answer
  generate  one request per call, every response counted; latency: time to
            the first response (the rest shows as throughput)
  ingest    --messages-per-stream requests, then half-close; latency: the
            whole call, first request to the answer
  stream    bidi, --window requests outstanding per stream; latency: each
            request to its final response (matched in order)

Pacing: by default a closed loop (each stream sends when its previous request
is answered, or within --window for stream). With --rate R an open loop: R
requests per second in total, due at fixed intervals, and latency counts from
when a request was due, so a slow server cannot hide its queue (no coordinated
omission). The run lasts --duration, or until --count measured requests
(default: 10 s), after --warmup seconds that are not measured.

Flags:
  --model NAME          model to call (required)
  --rpc KIND            infer, generate, ingest or stream (default stream)
  --streams N           concurrent calls or streams (default 8)
  --channels M          connections to spread them over (default 1)
  --messages-per-stream N
                        ingest, stream: requests per call before it
                        half-closes and the next opens (default: ingest 100,
                        stream unlimited)
  --window W            stream: requests outstanding per stream (default 1)
  --payload-bytes N     request payload size, e.g. 64, 4K, 1M (default 64);
                        for --model sensors the default is a valid reading
  --payload TEXT        send TEXT as every request's payload instead
  --rate R              requests per second in total: open loop
  --duration S          seconds to measure (default 10 unless --count)
  --count N             stop after N measured requests
  --warmup S            seconds to run first without measuring (default 0)
  --server-pid PID      also report that process's CPU time over the run
  --progress            show the live line on stderr even when it is not a
                        terminal (on a terminal it is always shown)
  --json                print one JSON object instead of the table
)",
    .usage_tail = R"(
--timeout applies to each call; --param is sent with every request.

Exit status: 0 if every call succeeded, 1 if any failed (the first failure is
printed; a server that cannot be reached stops the run at once), 2 on a usage
error.

Examples:
  sluice bench --model echo --rpc stream --streams 16 --window 8 --duration 10
  sluice bench --model echo --rpc infer --rate 5000 --duration 30 --warmup 2
  sluice bench --model tokens --rpc generate --param max_tokens=50 --count 1000
  sluice bench --model sensors --rpc ingest --messages-per-stream 1000 --json
)",
};

constexpr absl::Duration kDrainTimeout = absl::Seconds(10);

// Set by SIGINT: the run stops taking tickets and reports what it measured. Only the main loop
// reads it; a second Ctrl-C kills the process (SA_RESETHAND).
volatile std::sig_atomic_t interrupted = 0;

void OnInterrupt(int /*signal*/) { interrupted = 1; }

void CatchInterrupt() {
  struct sigaction action {};
  action.sa_handler = &OnInterrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

std::shared_ptr<grpc::Channel> MakeBenchChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  // Without this, channels with the same arguments share one connection; --channels wants M.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

BenchCallFactory FactoryFor(BenchRpc rpc) {
  switch (rpc) {
    case BenchRpc::kInfer:
      return &MakeInferCall;
    case BenchRpc::kGenerate:
      return &MakeGenerateCall;
    case BenchRpc::kIngest:
      return &MakeIngestCall;
    case BenchRpc::kStream:
      break;
  }
  return &MakeStreamCall;
}

absl::string_view MethodName(BenchRpc rpc) {
  switch (rpc) {
    case BenchRpc::kInfer:
      return "Infer";
    case BenchRpc::kGenerate:
      return "Generate";
    case BenchRpc::kIngest:
      return "Ingest";
    case BenchRpc::kStream:
      break;
  }
  return "Stream";
}

TicketPlan PlanOf(const BenchOptions& options) {
  TicketPlan plan;
  plan.rate = options.rate;
  plan.count = options.count;
  if (options.duration.has_value()) plan.duration = absl::ToChronoNanoseconds(*options.duration);
  plan.warmup = absl::ToChronoNanoseconds(options.warmup);
  return plan;
}

// CPU seconds at one moment, of this process and (with --server-pid) the server.
struct CpuSample {
  double client = 0;
  std::optional<double> server;
};

CpuSample SampleCpu(const BenchOptions& options) {
  CpuSample sample;
  sample.client = OwnCpuSeconds();
  if (options.server_pid.has_value()) {
    absl::StatusOr<double> server = ProcessCpuSeconds(*options.server_pid);
    if (server.ok()) sample.server = *server;
  }
  return sample;
}

// The live line: the last second's rates and the errors so far.
class BenchProgress {
 public:
  BenchProgress(bool forced, const BenchRecorder& recorder) : line_(forced), recorder_(recorder) {}

  // Main thread, on every tick: redraws at most once a second.
  void Update() {
    if (!line_.enabled()) return;
    const absl::Time now = absl::Now();
    if (now - last_ < absl::Seconds(1)) return;
    const uint64_t sent = recorder_.requests_sent();
    const uint64_t received = recorder_.responses_received();
    const double seconds = absl::ToDoubleSeconds(now - last_);
    const std::string text = absl::StrFormat(
        "bench: %.0f s  %d sent  %d received  %.1f msgs/s sent  %.1f msgs/s received  %d errors",
        absl::ToDoubleSeconds(line_.elapsed()), sent, received,
        static_cast<double>(sent - last_sent_) / seconds,
        static_cast<double>(received - last_received_) / seconds, recorder_.errors());
    last_ = now;
    last_sent_ = sent;
    last_received_ = received;
    line_.Update([&] { return text; });
  }

  void Finish() { line_.Finish(); }

 private:
  ProgressLine line_;
  const BenchRecorder& recorder_;
  absl::Time last_ = absl::Now();
  uint64_t last_sent_ = 0;
  uint64_t last_received_ = 0;
};

// The exit code after the report, printing the first failure if there was one.
int ReportFailures(const BenchOptions& options, const BenchTotals& totals,
                   const std::optional<grpc::Status>& first_failure) {
  uint64_t errors = 0;
  for (const auto& [code, count] : totals.errors_by_code) errors += count;
  if (!first_failure.has_value() && errors == 0) return kExitOk;
  FailureContext failure;
  failure.target = options.call.target;
  failure.method = MethodName(options.rpc);
  failure.channel_connected = true;  // Something got through: no "is sluiced running?" hint.
  failure.timeout = options.call.timeout_text;
  if (first_failure.has_value()) {
    absl::FPrintF(stderr, "sluice bench: %d errors; the first failed call: %s\n", errors,
                  DescribeRpcFailure(static_cast<int>(first_failure->error_code()),
                                     first_failure->error_message(), failure));
  } else {
    absl::FPrintF(stderr, "sluice bench: %d error responses\n", errors);
  }
  return kExitRpcFailed;
}

int RunBench(const BenchOptions& options) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::Inference::Stub>> stubs;
  for (int i = 0; i < options.channels; ++i) {
    channels.push_back(MakeBenchChannel(options.call.target));
    stubs.push_back(v1::Inference::NewStub(channels.back()));
  }
  const v1::InferRequest base_request = MakeRequest(options.call);
  const BenchClock::time_point start = BenchClock::now();
  TicketSource tickets(PlanOf(options), start);
  BenchRecorder recorder(tickets);
  const BenchContext context{options, tickets, recorder, base_request};
  std::vector<std::unique_ptr<CallSlot>> slots;
  for (int i = 0; i < options.streams; ++i) {
    slots.push_back(std::make_unique<CallSlot>(
        context, *stubs[static_cast<size_t>(i % options.channels)], i, FactoryFor(options.rpc)));
  }

  CatchInterrupt();
  BenchProgress progress(options.progress, recorder);
  std::optional<CpuSample> cpu_start;
  if (options.warmup == absl::ZeroDuration()) cpu_start = SampleCpu(options);
  for (auto& slot : slots) slot->Start();
  // The open loop releases tickets every millisecond; the closed loop needs the clock only for
  // --duration, the warm-up's end and the progress line.
  const absl::Duration tick =
      options.rate.has_value() ? absl::Milliseconds(1) : absl::Milliseconds(20);
  std::optional<BenchClock::time_point> drain_deadline;
  bool cancelled = false;
  while (!recorder.AwaitWorkersDone(options.streams, tick)) {
    const BenchClock::time_point now = BenchClock::now();
    if (!cpu_start.has_value() && now >= tickets.measure_start()) cpu_start = SampleCpu(options);
    if (interrupted != 0) tickets.Stop();
    tickets.Tick(now);
    if (tickets.finished() && !drain_deadline.has_value()) {
      drain_deadline = now + absl::ToChronoNanoseconds(kDrainTimeout);
    }
    if (drain_deadline.has_value() && now >= *drain_deadline && !cancelled) {
      for (auto& slot : slots) slot->Cancel();
      cancelled = true;
    }
    progress.Update();
  }
  const BenchClock::time_point end = BenchClock::now();
  const CpuSample cpu_end = SampleCpu(options);
  progress.Finish();
  if (!cpu_start.has_value()) cpu_start = cpu_end;  // Ended during the warm-up.

  const std::optional<grpc::Status> first_failure = recorder.first_failure();
  if (first_failure.has_value() && !recorder.anything_succeeded()) {
    // Nothing got through (server down, unknown model): the failure is the whole story.
    FailureContext failure;
    failure.target = options.call.target;
    failure.method = MethodName(options.rpc);
    failure.channel_connected = channels.front()->GetState(false) == GRPC_CHANNEL_READY;
    failure.timeout = options.call.timeout_text;
    absl::FPrintF(stderr, "sluice: %s\n",
                  DescribeRpcFailure(static_cast<int>(first_failure->error_code()),
                                     first_failure->error_message(), failure));
    return kExitRpcFailed;
  }
  BenchReport report;
  report.options = &options;
  report.totals = recorder.Totals();
  report.elapsed = absl::FromChrono(end - tickets.measure_start());
  report.client_cpu_seconds = cpu_end.client - cpu_start->client;
  if (cpu_end.server.has_value() && cpu_start->server.has_value()) {
    report.server_cpu_seconds = *cpu_end.server - *cpu_start->server;
  }
  const std::string text = options.json ? FormatBenchJson(report) : FormatBenchText(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return ReportFailures(options, report.totals, first_failure);
}

}  // namespace

int RunBenchCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  absl::StatusOr<BenchOptions> options =
      ParseBenchOptions(command_line.flags(), command_line.call());
  if (!options.ok()) return command_line.UsageError(options.status().message());
  return RunBench(*options);
}

}  // namespace sluice::cli
