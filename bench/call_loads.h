// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The client loads of sluice_stream_bench besides pipelined bidi Stream: unary Infer,
// server-streaming Generate, client-streaming Ingest, and many idle bidi streams.
// Each checks every answer, like RunStreamLoad() does.

#pragma once

#include <cstddef>
#include <string>

#include "bench/stream_load.h"

namespace sluice::bench {

// Keeps exactly `options.streams` Infer calls of `options.payload_bytes` in flight,
// starting the next as each one completes, and checks that each echoes its request.
// The unit is a completed call. Blocks for about warmup_seconds + seconds.
StreamLoadResult RunUnaryLoad(const StreamLoadOptions& options);

// Runs one Generate call at a time, each asking for `options.blob_bytes` in chunks
// of `options.chunk_bytes` (parameters "size_bytes" and "chunk_bytes"), and checks
// every chunk's index, offset and size and the final chunk's "sha256". The unit is
// a payload byte received. Blocks for about warmup_seconds + seconds, plus the rest
// of the call in flight at the end.
StreamLoadResult RunGenerateLoad(const StreamLoadOptions& options);

// Opens `options.streams` Ingest calls that each send readings as fast as flow
// control allows, then half-close, and checks that each call's single answer counts
// exactly the readings sent (its "count" parameter). The unit is a reading sent.
StreamLoadResult RunIngestLoad(const StreamLoadOptions& options);

// Opens `options.streams` bidi Stream calls on one channel, sends one request of
// `options.payload_bytes` on each and waits for its echo, so that every stream is
// established, then reads the server's RSS (options.server_rss_bytes) before and
// after, leaves them idle for a moment, and half-closes them all. The unit is an
// established stream. Ignores seconds and warmup_seconds.
StreamLoadResult RunIdleLoad(const StreamLoadOptions& options);

// The `index`th reading of the Ingest load: one CSV line in the `sensors` model's
// format, "sensor_id,time,temperature,humidity,pressure,vibration", of exactly
// `bytes` bytes (at least 64), from one of 16 sensors.
std::string SensorReading(size_t index, size_t bytes);

}  // namespace sluice::bench
