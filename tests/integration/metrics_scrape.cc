// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "tests/integration/metrics_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

namespace sluice::testing {
namespace {

// Parses `{a="x",b="y"}` (no escapes: our label values have none).
std::map<std::string, std::string> ParseLabels(const std::string& text) {
  std::map<std::string, std::string> labels;
  size_t at = 0;
  while (at < text.size()) {
    const size_t equals = text.find('=', at);
    const size_t open = text.find('"', equals);
    const size_t close = text.find('"', open + 1);
    if (equals == std::string::npos || open == std::string::npos || close == std::string::npos) {
      break;
    }
    labels[text.substr(at, equals - at)] = text.substr(open + 1, close - open - 1);
    at = close + 1;
    if (at < text.size() && text[at] == ',') ++at;
  }
  return labels;
}

}  // namespace

std::optional<std::string> ScrapeMetrics(int port, std::string* error) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    *error = "socket() failed";
    return std::nullopt;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    *error = "cannot connect to the metrics port";
    return std::nullopt;
  }
  const std::string request =
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    close(fd);
    *error = "send() failed";
    return std::nullopt;
  }
  std::string response;
  char buffer[16384];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) response.append(buffer, n);
  close(fd);
  if (response.rfind("HTTP/1.1 200", 0) != 0) {
    *error = "unexpected response: " + response.substr(0, response.find("\r\n"));
    return std::nullopt;
  }
  const size_t body = response.find("\r\n\r\n");
  if (body == std::string::npos) {
    *error = "response without a body";
    return std::nullopt;
  }
  // prometheus-cpp answers with a Content-Length body, not chunks.
  if (response.find("Transfer-Encoding: chunked") != std::string::npos) {
    *error = "chunked response (not expected from prometheus-cpp)";
    return std::nullopt;
  }
  return response.substr(body + 4);
}

std::optional<double> SeriesValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t brace = line.find('{');
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const size_t name_end = brace != std::string::npos && brace < space ? brace : space;
    if (line.compare(0, name_end, name) != 0 || name_end != name.size()) continue;
    std::map<std::string, std::string> found;
    if (brace != std::string::npos && brace < space) {
      const size_t close = line.rfind('}', space);
      found = ParseLabels(line.substr(brace + 1, close - brace - 1));
    }
    if (found == labels) return std::stod(line.substr(space + 1));
  }
  return std::nullopt;
}

}  // namespace sluice::testing
