// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// HOST:PORT listener addresses as gRPC and the metrics endpoint take them.

#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sluice::config::internal {

struct HostPort {
  /// Without brackets: "127.0.0.1", "::1", "localhost".
  std::string host;
  int port = 0;
};

/// Splits "host:port" or "[ipv6]:port". Returns "" and fills `address`, or
/// why the text is not such an address.
std::string ParseHostPort(absl::string_view text, HostPort* address);

/// 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackHost(absl::string_view host);

/// 0.0.0.0, ::, or an empty host: every interface.
bool IsWildcardHost(absl::string_view host);

}  // namespace sluice::config::internal
