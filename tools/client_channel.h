// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The one place `sluice` subcommands create their gRPC channel, so every subcommand gets the same
// channel arguments (message size limits) and credentials.

#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

namespace sluice::cli {

// Large enough for a whole generated document or an embedding batch in one response.
inline constexpr int kMaxReceiveMessageBytes = 64 * 1024 * 1024;

// An insecure channel to `target` ("host:port" or any gRPC target URI) with a 64 MiB receive
// limit. Never fails here: connection errors surface as UNAVAILABLE on the first RPC.
std::shared_ptr<grpc::Channel> MakeClientChannel(const std::string& target);

}  // namespace sluice::cli
