// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// FaultProxy: a TCP proxy on 127.0.0.1 for tests, placed between a client and
// a server to inject network faults the loopback cannot (it has no netem):
// latency, a bandwidth cap, cut connections and black holes.

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/status/statusor.h"

namespace sluice::testing {

/// Forwards every connection accepted on 127.0.0.1:port() to one upstream
/// address, applying the faults currently set. Each fault applies to the
/// connections open now and to those accepted later.
///
/// Ownership: the test's. The destructor closes every socket and joins the
/// proxy's thread.
/// Threads: one Asio io_context thread of its own does all the I/O. Every
/// public method is thread-safe (but must not be called from that thread,
/// which only runs the proxy's own handlers).
class FaultProxy {
 public:
  /// Listens on 127.0.0.1 port 0 and forwards to `upstream`, a numeric
  /// "HOST:PORT" ("127.0.0.1:5000", "[::1]:5000").
  static absl::StatusOr<std::unique_ptr<FaultProxy>> Start(const std::string& upstream);

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  explicit FaultProxy(Key);  // for Start() only
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// Thread-safe. The port the proxy listens on.
  int port() const { return port_; }
  /// Thread-safe. "127.0.0.1:PORT", for a gRPC channel.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  /// Thread-safe. Delays each chunk read from either side by `one_way`
  /// before writing it on; order is kept. Applies to chunks read from now on.
  void SetLatency(std::chrono::milliseconds one_way);
  /// Thread-safe. Caps each direction of each connection at
  /// `bytes_per_second`; 0 means unlimited.
  void SetBandwidth(uint64_t bytes_per_second);
  /// Thread-safe. Cuts each connection (RST to both sides) once it has
  /// forwarded `bytes` more bytes, both directions together; exactly `bytes`
  /// if that much data comes. 0 turns it off. Counts from this call for the
  /// connections open now, from their accept for later ones.
  void CutAfterBytes(uint64_t bytes);
  /// Thread-safe. Cuts every open connection (RST to both sides); returns
  /// once they are all closed. The proxy goes on accepting.
  void CutAll();
  /// Thread-safe. While on, bytes read from either side are discarded and a
  /// close from one side is not passed on: each peer sees silence, not a
  /// close. A connection that was black-holed has lost data, so a test
  /// checks that forwarding resumes on a new connection.
  void BlackHole(bool on);

  /// Thread-safe. Bytes written on to a peer, all connections, both ways.
  uint64_t bytes_forwarded() const;
  /// Thread-safe.
  int connections_accepted() const;
  /// Thread-safe. Accepted and not yet closed. A connection is counted closed
  /// before its sockets are, so once a client has seen its connection close
  /// this count, and bytes_forwarded(), already reflect it.
  int connections_open() const;

 private:
  class Connection;
  struct Shared;

  void Accept();
  void StopOnIoThread();
  void CutAllOnIoThread();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer accept_retry_{io_};
  boost::asio::ip::tcp::endpoint upstream_;
  std::shared_ptr<Shared> shared_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sluice::testing
