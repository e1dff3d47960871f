// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The four kinds of call `sluice bench` drives, on the gRPC callback API, each a BenchCallFactory
// for CallSlot. What a request, a response and a latency are for each kind:
//   infer:    one request per call; latency from the ticket's due time to the answer.
//   generate: one request per call, every response counted (with its payload bytes); latency is
//             the time to the first response, which is also recorded as such.
//   ingest:   up to --messages-per-stream requests (a ticket each), then half-close; one answer;
//             latency is the whole call, from its first ticket to the answer.
//   stream:   bidi; up to --window requests outstanding; latency per request, to its final
//             response (matched in order by request_sequence); time to first response per stream.

#pragma once

#include <cstdint>
#include <memory>

#include "tools/bench_call_slot.h"

namespace sluice::cli {

std::shared_ptr<BenchCall> MakeInferCall(const BenchContext& context, CallOwner& owner,
                                         const Ticket& ticket, uint64_t payload_index);
std::shared_ptr<BenchCall> MakeGenerateCall(const BenchContext& context, CallOwner& owner,
                                            const Ticket& ticket, uint64_t payload_index);
std::shared_ptr<BenchCall> MakeIngestCall(const BenchContext& context, CallOwner& owner,
                                          const Ticket& ticket, uint64_t payload_index);
std::shared_ptr<BenchCall> MakeStreamCall(const BenchContext& context, CallOwner& owner,
                                          const Ticket& ticket, uint64_t payload_index);

// The payload of request `index` (counting over a slot's calls): the options' payloads in turn.
const std::string& BenchPayload(const BenchContext& context, uint64_t index);

}  // namespace sluice::cli
