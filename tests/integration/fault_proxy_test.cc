// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of FaultProxy against a plain TCP echo server: bytes pass unchanged
// under every fault that keeps a connection up, and cuts and black holes do
// what the resilience tests rely on.

#include "tests/integration/fault_proxy.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "absl/status/status.h"

namespace sluice::testing {
namespace {

using boost::asio::ip::tcp;

// How long a read waits before a test gives up on it: a guard against a hang,
// never a synchronisation.
constexpr int kReadGuardMs = 10'000;

// An echo server on 127.0.0.1 port 0, on a thread of its own. Counts the bytes
// it has received (before echoing them, so a client that got its echo back
// sees them counted).
class EchoServer {
 public:
  EchoServer() {
    const tcp::endpoint listen(boost::asio::ip::make_address_v4("127.0.0.1"), 0);
    boost::system::error_code ec;
    acceptor_.open(listen.protocol(), ec);
    acceptor_.bind(listen, ec);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
    EXPECT_FALSE(ec) << ec.message();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    // Pending sessions are destroyed with io_ (each owned by its handlers).
    io_.stop();
    thread_.join();
  }

  std::string address() const {
    boost::system::error_code ec;
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint(ec).port());
  }
  uint64_t bytes_received() const { return bytes_received_.load(); }

 private:
  struct Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::array<char, 8192> buffer;
  };

  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      Read(std::make_shared<Session>(std::move(socket)));
      Accept();
    });
  }

  void Read(std::shared_ptr<Session> session) {
    session->socket.async_read_some(
        boost::asio::buffer(session->buffer),
        [this, session](const boost::system::error_code& ec, size_t n) {
          boost::system::error_code ignored;
          if (ec) {
            // EOF: echo the half-close, then close.
            if (ec == boost::asio::error::eof) {
              session->socket.shutdown(tcp::socket::shutdown_send, ignored);
            }
            session->socket.close(ignored);
            return;
          }
          bytes_received_.fetch_add(n);
          boost::asio::async_write(
              session->socket, boost::asio::buffer(session->buffer, n),
              [this, session](const boost::system::error_code& write_ec, size_t) {
                if (!write_ec) Read(session);
              });
        });
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::atomic<uint64_t> bytes_received_{0};  // Atomic: written by io_'s thread, read by the test.
  std::thread thread_;
};

enum class End { kEof, kReset, kTimeout };

// A blocking POSIX client socket, used from one test thread at a time (Send()
// may run on a second thread while another reads).
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << errno;
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }

  // Reads up to `n` bytes: fewer if the connection ends (or the guard fires).
  std::string Read(size_t n) {
    std::string out;
    ReadInto(&out, n, kReadGuardMs);
    return out;
  }

  // Reads until the connection ends, appending what arrives to `received`.
  End ReadToEnd(std::string* received) { return ReadInto(received, SIZE_MAX, kReadGuardMs); }

  // True if nothing arrives, and the connection does not end, within
  // `window_ms`: the expected silence of a black hole.
  bool Silent(int window_ms) {
    pollfd pfd{fd_, POLLIN, 0};
    return poll(&pfd, 1, window_ms) == 0;
  }

 private:
  End ReadInto(std::string* out, size_t limit, int guard_ms) {
    char buffer[16384];
    while (out->size() < limit) {
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, guard_ms) <= 0) return End::kTimeout;
      const ssize_t n = recv(fd_, buffer, std::min(sizeof(buffer), limit - out->size()), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return End::kEof;
      if (n < 0) return End::kReset;
      out->append(buffer, static_cast<size_t>(n));
    }
    return End::kTimeout;  // got `limit` bytes; the connection is still open
  }

  const int fd_;
};

std::string Pattern(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed;
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// Sends `data` on a second thread while this one reads its echo, so neither
// side's buffers fill up; returns what came back.
std::string RoundTrip(Client& client, const std::string& data) {
  std::thread sender([&] { EXPECT_TRUE(client.Send(data)); });
  std::string echoed = client.Read(data.size());
  sender.join();
  return echoed;
}

std::unique_ptr<FaultProxy> StartProxy(const EchoServer& echo) {
  auto proxy = FaultProxy::Start(echo.address());
  EXPECT_TRUE(proxy.ok()) << proxy.status();
  return proxy.ok() ? std::move(*proxy) : nullptr;
}

TEST(FaultProxyTest, RejectsAnUpstreamThatIsNotNumericHostPort) {
  EXPECT_EQ(FaultProxy::Start("localhost:80").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FaultProxy::Start("127.0.0.1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FaultProxy::Start("127.0.0.1:0").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(FaultProxy::Start("[::1]:80").ok());
}

TEST(FaultProxyTest, PassesBytesThroughUnchanged) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->address(), "127.0.0.1:" + std::to_string(proxy->port()));
  const std::string data = Pattern(1 << 20, 1);
  {
    Client client(proxy->port());
    EXPECT_TRUE(RoundTrip(client, data) == data);
    EXPECT_EQ(proxy->connections_open(), 1);
    // A half-close is passed on both ways, and the connection then closes.
    client.ShutdownWrite();
    std::string rest;
    EXPECT_EQ(client.ReadToEnd(&rest), End::kEof);
    EXPECT_EQ(rest, "");
  }
  EXPECT_EQ(proxy->connections_accepted(), 1);
  EXPECT_EQ(proxy->connections_open(), 0);
  EXPECT_EQ(proxy->bytes_forwarded(), 2 * data.size());
}

TEST(FaultProxyTest, CutAfterBytesCutsAfterExactlyThatManyBytes) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  proxy->CutAfterBytes(1000);
  {
    Client client(proxy->port());
    ASSERT_TRUE(client.Send(Pattern(4000, 2)));
    std::string received;
    EXPECT_NE(client.ReadToEnd(&received), End::kTimeout);
    EXPECT_LE(received.size(), 1000u);
  }
  EXPECT_EQ(proxy->bytes_forwarded(), 1000u);
  EXPECT_EQ(proxy->connections_open(), 0);

  // A new connection gets a budget of its own; this one stays under it.
  Client client(proxy->port());
  const std::string data = Pattern(100, 3);
  EXPECT_EQ(RoundTrip(client, data), data);
  client.ShutdownWrite();
  std::string rest;
  EXPECT_EQ(client.ReadToEnd(&rest), End::kEof);
  EXPECT_EQ(proxy->bytes_forwarded(), 1200u);
  EXPECT_EQ(proxy->connections_accepted(), 2);
  EXPECT_EQ(proxy->connections_open(), 0);
}

TEST(FaultProxyTest, CutAfterBytesCountsFromTheCallForOpenConnections) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  proxy->CutAfterBytes(1000);
  Client client(proxy->port());
  const std::string data = Pattern(400, 4);
  ASSERT_EQ(RoundTrip(client, data), data);  // 800 of the 1000 bytes
  proxy->CutAfterBytes(300);                 // now 300 more
  ASSERT_TRUE(client.Send(Pattern(4000, 5)));
  std::string received;
  EXPECT_NE(client.ReadToEnd(&received), End::kTimeout);
  EXPECT_LE(received.size(), 300u);
  EXPECT_EQ(proxy->bytes_forwarded(), 1100u);
  EXPECT_EQ(proxy->connections_open(), 0);
}

TEST(FaultProxyTest, CutAllClosesEveryOpenConnection) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(proxy->port()));
    ASSERT_EQ(RoundTrip(*clients.back(), "x"), "x");
  }
  EXPECT_EQ(proxy->connections_open(), 3);
  proxy->CutAll();
  EXPECT_EQ(proxy->connections_open(), 0);
  for (auto& client : clients) {
    std::string received;
    EXPECT_NE(client->ReadToEnd(&received), End::kTimeout);
    EXPECT_EQ(received, "");
  }
  // The proxy goes on accepting.
  Client client(proxy->port());
  EXPECT_EQ(RoundTrip(client, "after"), "after");
  EXPECT_EQ(proxy->connections_accepted(), 4);
  EXPECT_EQ(proxy->connections_open(), 1);
}

TEST(FaultProxyTest, BlackHoleSilencesConnectionsUntilTurnedOff) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  Client before(proxy->port());
  ASSERT_EQ(RoundTrip(before, "a"), "a");
  const uint64_t upstream_received = echo.bytes_received();

  proxy->BlackHole(true);
  ASSERT_TRUE(before.Send("lost"));
  Client during(proxy->port());  // still accepted, but silent too
  ASSERT_TRUE(during.Send("lost too"));
  // Silence, not a close: poll() sees neither data nor EOF.
  EXPECT_TRUE(before.Silent(200));
  EXPECT_TRUE(during.Silent(200));
  EXPECT_EQ(echo.bytes_received(), upstream_received);
  EXPECT_EQ(proxy->connections_open(), 2);

  proxy->BlackHole(false);
  Client after(proxy->port());
  EXPECT_EQ(RoundTrip(after, "back"), "back");
  EXPECT_EQ(proxy->connections_accepted(), 3);
}

TEST(FaultProxyTest, LatencyAndBandwidthKeepBytesIntactAndInOrder) {
  EchoServer echo;
  auto proxy = StartProxy(echo);
  ASSERT_NE(proxy, nullptr);
  proxy->SetLatency(std::chrono::milliseconds(5));
  proxy->SetBandwidth(1 << 20);
  Client client(proxy->port());
  // Many small writes, so that many chunks are queued and timed.
  const std::string data = Pattern(64 << 10, 6);
  std::thread sender([&] {
    for (size_t i = 0; i < data.size(); i += 1024) {
      EXPECT_TRUE(client.Send(std::string_view(data).substr(i, 1024)));
    }
  });
  EXPECT_TRUE(client.Read(data.size()) == data);
  sender.join();

  // Changed on an open connection.
  proxy->SetLatency(std::chrono::milliseconds(0));
  proxy->SetBandwidth(0);
  const std::string more = Pattern(256 << 10, 7);
  EXPECT_TRUE(RoundTrip(client, more) == more);
  client.ShutdownWrite();
  std::string rest;
  EXPECT_EQ(client.ReadToEnd(&rest), End::kEof);
  EXPECT_EQ(proxy->bytes_forwarded(), 2 * (data.size() + more.size()));
}

}  // namespace
}  // namespace sluice::testing
