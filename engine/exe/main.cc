// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluiced: the Sluice server. A thin main over the embedding API that serves
// the demo models until SIGINT/SIGTERM, then drains.

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "engine/models/demo_models.h"
#include "sluice/engine.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC listen address HOST:PORT; port 0 picks a free port (printed at start)");
ABSL_FLAG(uint32_t, stream_threads, 0, "threads running stream actors (0 = one per core)");
ABSL_FLAG(uint32_t, model_threads, 0, "threads running model sessions (0 = one per core)");
ABSL_FLAG(uint32_t, credits, 8, "requests one stream may have in flight toward its model");
ABSL_FLAG(uint32_t, window, 16, "responses one stream may hold waiting for its client (>= 1)");
ABSL_FLAG(uint64_t, max_payload_bytes, 4u << 20, "largest request payload accepted");
ABSL_FLAG(uint32_t, max_messages_per_turn, 64, "messages an actor handles before yielding");
ABSL_FLAG(bool, inline_actors, true,
          "run an idle stream actor on the gRPC thread that woke it (false: post to the pool)");
ABSL_FLAG(double, drain_seconds, 10.0, "on SIGINT/SIGTERM, how long open streams may finish");
ABSL_FLAG(double, tokens_per_second, 20.0, "default pace of the `tokens` model (0 = unpaced)");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9464",
          "where to serve Prometheus metrics (GET /metrics), HOST:PORT; port 0 picks a free port "
          "(printed at start); empty: no endpoint");
ABSL_FLAG(bool, metrics, true, "record metrics at all (false: no recording and no endpoint)");
ABSL_FLAG(uint32_t, max_tokens, 16, "default number of tokens the `tokens` model generates");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("sluiced: the Sluice streaming inference server");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread (the pools inherit this mask) and
  // take them synchronously below, so no handler runs in an arbitrary thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  sluice::EngineOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.stream_threads = absl::GetFlag(FLAGS_stream_threads);
  options.model_threads = absl::GetFlag(FLAGS_model_threads);
  options.credits_per_stream = absl::GetFlag(FLAGS_credits);
  options.outbound_window = absl::GetFlag(FLAGS_window);
  options.max_payload_bytes = absl::GetFlag(FLAGS_max_payload_bytes);
  options.max_messages_per_turn = absl::GetFlag(FLAGS_max_messages_per_turn);
  options.run_stream_actors_inline = absl::GetFlag(FLAGS_inline_actors);
  options.enable_metrics = absl::GetFlag(FLAGS_metrics);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);

  auto engine = sluice::Engine::Create(options);
  if (!engine.ok()) {
    std::cerr << "sluiced: " << engine.status().message() << "\n";
    return 2;
  }
  sluice::models::TokensModelOptions tokens;
  tokens.tokens_per_second = absl::GetFlag(FLAGS_tokens_per_second);
  tokens.max_tokens = absl::GetFlag(FLAGS_max_tokens);
  if (absl::Status status = sluice::models::RegisterDemoModels(**engine, tokens); !status.ok()) {
    std::cerr << "sluiced: " << status.message() << "\n";
    return 1;
  }
  if (absl::Status status = (*engine)->Start(); !status.ok()) {
    std::cerr << "sluiced: " << status.message() << "\n";
    return 1;
  }

  const auto with_port = [](const std::string& configured, int port) {
    return configured.substr(0, configured.rfind(':')) + ":" + std::to_string(port);
  };
  const std::string address = with_port(options.listen_address, (*engine)->port());
  // The first two lines are machine-read (tests, benchmarks): keep their shape.
  std::printf("sluiced listening on %s\n", address.c_str());
  if ((*engine)->metrics_port() != 0) {
    std::printf("sluiced metrics on http://%s/metrics\n",
                with_port(options.metrics_address, (*engine)->metrics_port()).c_str());
  }
  std::printf(
      "models: echo, echo_pool, tokens, sensors, blob, predict, feed. Try:\n  sluice stream "
      "--target %s --model tokens --prompt "
      "\"hello\"\n",
      address.c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const double drain_seconds = absl::GetFlag(FLAGS_drain_seconds);
  std::fprintf(stderr, "sluiced: signal %d, draining for up to %.1f s\n", signal_number,
               drain_seconds);
  (*engine)->Shutdown(std::chrono::milliseconds(static_cast<int64_t>(drain_seconds * 1000)));
  const sluice::EngineStats stats = (*engine)->Stats();
  std::fprintf(stderr, "sluiced: stopped after %lld streams, %lld messages in, %lld out\n",
               static_cast<long long>(stats.streams_started),
               static_cast<long long>(stats.messages_received),
               static_cast<long long>(stats.messages_sent));
  return 0;
}
