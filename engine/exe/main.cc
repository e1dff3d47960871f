// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluiced: the Sluice server. Loads its configuration (built-in defaults, a
// file, SLUICE_* variables, flags), serves the configured models until
// SIGINT/SIGTERM or the admin Drain call, then drains and exits 0; SIGHUP
// reloads the configuration.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/config/config.h"
#include "engine/exe/config_controller.h"
#include "engine/exe/log.h"
#include "engine/exe/malloc_tuning.h"
#include "engine/exe/sluiced_admin.h"
#include "sluice/engine.h"
#include "transports/grpc/admin_service.h"

// Where the configuration comes from (docs/config.md).
ABSL_FLAG(std::string, config, "", "YAML or JSON config file (docs/config.md); empty: defaults");
ABSL_FLAG(std::vector<std::string>, set, {},
          "PATH=VALUE config overrides, comma-separated or repeated, e.g. "
          "--set streams.credits_per_stream=4 (they win over the file and SLUICE_* variables)");
ABSL_FLAG(bool, print_config, false, "print the effective config as YAML and exit");
ABSL_FLAG(std::string, check_config, "",
          "validate this config file (with SLUICE_* variables and flags) and exit: 0 valid, 1 not");

// Classic flags: shorthands for config fields (a flag given on the command
// line wins over the file and the environment; one not given changes nothing).
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "listeners.grpc_address: gRPC HOST:PORT; port 0 picks a free port (printed at start)");
ABSL_FLAG(
    std::string, metrics_address, "127.0.0.1:9464",
    "listeners.metrics_address: Prometheus /metrics HOST:PORT; port 0 picks one; empty: none");
ABSL_FLAG(std::string, admin_address, "",
          "listeners.admin_address: sluice.admin.v1 HOST:PORT (loopback); empty: no admin service");
ABSL_FLAG(bool, metrics, true, "metrics.enabled: record metrics at all");
ABSL_FLAG(uint32_t, stream_threads, 0, "threads.stream_threads (0 = one per core, at least two)");
ABSL_FLAG(uint32_t, model_threads, 0, "threads.model_threads (0 = one per core)");
ABSL_FLAG(uint32_t, credits, 64, "streams.credits_per_stream");
ABSL_FLAG(uint32_t, window, 16, "streams.outbound_window (>= 1)");
ABSL_FLAG(uint64_t, max_payload_bytes, 4u << 20, "streams.max_payload_bytes");
ABSL_FLAG(uint32_t, max_messages_per_turn, 64, "streams.max_messages_per_turn");
ABSL_FLAG(bool, inline_actors, true, "streams.inline_actors");
ABSL_FLAG(double, drain_seconds, 10.0,
          "drain_seconds: on SIGINT/SIGTERM, how long streams may finish");
ABSL_FLAG(double, tokens_per_second, 20.0,
          "the tokens model's default pace (models[name=tokens].parameters.tokens_per_second)");
ABSL_FLAG(uint32_t, max_tokens, 16,
          "the tokens model's default length (models[name=tokens].parameters.max_tokens)");

namespace sluice::server {
namespace {

// The flags given on the command line, by name: only those override config.
std::set<std::string> FlagsOnCommandLine(int argc, char** argv) {
  std::set<std::string> given;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.substr(0, 1) != "-") continue;
    arg.remove_prefix(arg.substr(0, 2) == "--" ? 2 : 1);
    std::string name(arg.substr(0, arg.find('=')));
    given.insert(name);
    if (name.rfind("no", 0) == 0) given.insert(name.substr(2));  // --noinline_actors.
  }
  return given;
}

ConfigSources SourcesFromCommandLine(int argc, char** argv, const std::string& file) {
  ConfigSources sources;
  sources.file_path = file;
  sources.environment = config::ProcessEnvironment();
  const std::set<std::string> given = FlagsOnCommandLine(argc, argv);
  for (const auto& [flag, path] : config::ClassicFlagPaths()) {
    if (!given.contains(flag)) continue;
    const absl::CommandLineFlag* found = absl::FindCommandLineFlag(flag);
    if (found == nullptr) continue;
    sources.overrides.push_back({path, found->CurrentValue(), absl::StrCat("--", flag)});
  }
  for (const std::string& set : absl::GetFlag(FLAGS_set)) {
    const size_t equals = set.find('=');
    sources.overrides.push_back({set.substr(0, equals),
                                 equals == std::string::npos ? "" : set.substr(equals + 1),
                                 absl::StrCat("--set ", set)});
  }
  return sources;
}

std::string WithPort(const std::string& configured, int port) {
  return configured.substr(0, configured.rfind(':')) + ":" + std::to_string(port);
}

int Serve(int argc, char** argv) {
  // Block the signals in every thread (the pools inherit this mask) and take
  // them synchronously below, so no handler runs in an arbitrary thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string check_file = absl::GetFlag(FLAGS_check_config);
  const ConfigSources sources = SourcesFromCommandLine(
      argc, argv, check_file.empty() ? absl::GetFlag(FLAGS_config) : check_file);
  absl::StatusOr<config::v1::SluiceConfig> loaded = LoadConfig(sources);
  if (!check_file.empty()) {
    if (!loaded.ok()) {
      std::cerr << "sluiced: " << loaded.status().message() << "\n";
      return 1;
    }
    std::cout << check_file << ": valid\n";
    return 0;
  }
  if (!loaded.ok()) {
    std::cerr << "sluiced: " << loaded.status().message() << "\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_print_config)) {
    std::cout << config::ToYaml(*loaded);
    return 0;
  }

  auto engine = Engine::Create(ToEngineOptions(*loaded));
  if (!engine.ok()) {
    std::cerr << "sluiced: " << engine.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<std::vector<ModelSpec>> models = BuildModels(*loaded);
  absl::Status status =
      models.ok() ? (*engine)->ReplaceModels(*std::move(models)) : models.status();
  if (status.ok()) status = (*engine)->Start();
  if (!status.ok()) {
    std::cerr << "sluiced: " << status.message() << "\n";
    return 1;
  }
  ConfigController controller(sources, *loaded, **engine);
  DrainTrigger drain_trigger;
  SluicedAdmin admin_backend(controller, **engine, drain_trigger);
  std::optional<transport::AdminServer> admin;
  int admin_port = 0;
  if (const std::string& address = loaded->listeners().admin_address(); !address.empty()) {
    admin.emplace(admin_backend);
    absl::StatusOr<int> port = admin->Start(address);
    if (!port.ok()) {
      std::cerr << "sluiced: " << port.status().message() << "\n";
      (*engine)->Shutdown(std::chrono::milliseconds(0));
      return 1;
    }
    admin_port = *port;
  }

  const std::string address = WithPort(loaded->listeners().grpc_address(), (*engine)->port());
  // The first lines are machine-read (tests, benchmarks): keep their shape.
  std::printf("sluiced listening on %s\n", address.c_str());
  if ((*engine)->metrics_port() != 0) {
    std::printf("sluiced metrics on http://%s/metrics\n",
                WithPort(loaded->listeners().metrics_address(), (*engine)->metrics_port()).c_str());
  }
  if (admin_port != 0) {
    std::printf("sluiced admin on %s\n",
                WithPort(loaded->listeners().admin_address(), admin_port).c_str());
  }
  std::printf(
      "models: %d served. Try:\n  sluice stream --target %s --model tokens --prompt "
      "\"hello\"\n",
      loaded->models_size(), address.c_str());
  std::fflush(stdout);

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    Log(LogLevel::kInfo, "SIGHUP: reloading the configuration");
    (void)controller.Reload();  // Logs and counts its outcome.
  }
  // An admin Drain call arrives as SIGTERM too, possibly with its own deadline.
  const std::chrono::milliseconds drain = drain_trigger.requested_drain().value_or(
      std::chrono::milliseconds(static_cast<int64_t>(controller.running().drain_seconds() * 1000)));
  Log(LogLevel::kInfo,
      absl::StrCat("signal ", signal_number, ", draining for up to ", drain.count(), " ms"));
  // Finishes the admin calls in progress first: a Drain call gets its answer.
  admin.reset();
  (*engine)->Shutdown(drain);
  const EngineStats stats = (*engine)->Stats();
  Log(LogLevel::kInfo,
      absl::StrCat("stopped after ", stats.streams_started, " streams, ", stats.messages_received,
                   " messages in, ", stats.messages_sent, " out"));
  return 0;
}

}  // namespace
}  // namespace sluice::server

int main(int argc, char** argv) {
  sluice::server::TuneMallocForLargeMessages();  // Before any thread starts.
  // Debian builds abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detector on: a lock-order graph updated on every lock, in gRPC's mutexes
  // as well as ours. Our tests keep it on; a server has no use for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "sluiced: the Sluice streaming inference server. Configuration: docs/config.md");
  // Flag names may be spelled with dashes (--print-config) as well as with
  // absl's underscores (--print_config).
  std::vector<std::string> arguments(argv, argv + argc);
  for (size_t i = 1; i < arguments.size() && arguments[i] != "--"; ++i) {
    std::string& argument = arguments[i];
    if (argument.rfind("--", 0) != 0) continue;
    const size_t name_end = std::min(argument.find('='), argument.size());
    std::replace(argument.begin() + 2, argument.begin() + static_cast<ptrdiff_t>(name_end), '-',
                 '_');
  }
  std::vector<char*> normalized;
  for (std::string& argument : arguments) normalized.push_back(argument.data());
  absl::ParseCommandLine(argc, normalized.data());
  return sluice::server::Serve(argc, normalized.data());
}
