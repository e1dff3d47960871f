// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/internal/address.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace sluice::config::internal {
namespace {

constexpr char kShape[] = "must be HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051";

bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool IsIpv6Char(char c) {
  return absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

}  // namespace

std::string ParseHostPort(absl::string_view text, HostPort* address) {
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(text, "[")) {
    const size_t close = text.find(']');
    if (close == absl::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return kShape;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.empty() || !std::all_of(host.begin(), host.end(), IsIpv6Char)) {
      return "the host in brackets must be an IPv6 address";
    }
  } else {
    const size_t colon = text.rfind(':');
    if (colon == absl::string_view::npos) return kShape;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty()) return kShape;
    if (absl::StrContains(host, ':')) return "an IPv6 host must be in brackets, e.g. [::1]:50051";
    if (!std::all_of(host.begin(), host.end(), IsHostNameChar)) {
      return "the host must be a name or an IP address";
    }
  }
  int number = 0;
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(port, &number) || number > 65535) {
    return "the port must be a number from 0 to 65535";
  }
  address->host = std::string(host);
  address->port = number;
  return "";
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "::1") return true;
  const std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4) return false;
  for (absl::string_view octet : octets) {
    int value = 0;
    if (!absl::SimpleAtoi(octet, &value) || value < 0 || value > 255) return false;
  }
  return octets[0] == "127";
}

bool IsWildcardHost(absl::string_view host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

}  // namespace sluice::config::internal
