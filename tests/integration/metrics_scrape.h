// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Scrape: GET /metrics from 127.0.0.1 over a real socket, and read series
// out of the Prometheus text format, for the metrics tests.

#pragma once

#include <map>
#include <optional>
#include <string>

namespace sluice::testing {

/// The body of GET /metrics on 127.0.0.1:`port`, or nullopt (with the reason
/// in `error`) when the request fails or the status is not 200.
std::optional<std::string> ScrapeMetrics(int port, std::string* error);

/// The value of the series `name` whose labels are exactly `labels`, or
/// nullopt when the text has no such series.
std::optional<double> SeriesValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels);

}  // namespace sluice::testing
