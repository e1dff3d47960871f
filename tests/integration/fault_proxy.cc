// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// FaultProxy's connections: two pipes each (client to upstream, upstream to
// client), each a read loop feeding a queue of timed chunks and a write loop
// draining it, paced by steady_timers. Everything runs on the proxy's thread.

#include "tests/integration/fault_proxy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace sluice::testing {
namespace {

using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Bytes read from a peer at a time.
constexpr size_t kChunkBytes = 16 << 10;
// A pipe stops reading while it holds this much unwritten data, so a slow
// (latency, bandwidth) or stalled receiver pushes back into TCP flow control.
constexpr size_t kMaxQueuedBytes = 256 << 10;
// Under a bandwidth cap, writes are at most 1/kPacingSlicesPerSecond of a
// second's worth, so the cap holds over short spans too.
constexpr uint64_t kPacingSlicesPerSecond = 50;

}  // namespace

// What connections share with the proxy: the faults, the counters, and the
// set of live connections.
struct FaultProxy::Shared {
  struct Faults {
    std::chrono::milliseconds latency{0};
    uint64_t bytes_per_second = 0;
    uint64_t cut_after = 0;
    // Bumped by every CutAfterBytes(), so that each connection restarts its
    // count from the call.
    uint64_t cut_generation = 0;
    bool black_hole = false;
  };

  Faults Get() const ABSL_LOCKS_EXCLUDED(mu) {
    absl::MutexLock lock(&mu);
    return faults;
  }

  mutable absl::Mutex mu;
  Faults faults ABSL_GUARDED_BY(mu);

  // Atomic: written on the proxy's thread, read by tests on theirs. seq_cst,
  // so a count updated before a socket is closed is seen by a test that saw
  // the close.
  std::atomic<uint64_t> bytes_forwarded{0};
  std::atomic<int> connections_accepted{0};
  std::atomic<int> connections_open{0};

  // Proxy thread only. Owns the connections; each also keeps itself alive
  // through the handlers it has pending.
  std::unordered_set<std::shared_ptr<Connection>> live;
};

// One proxied connection. Owned by Shared::live until it closes (and by its
// pending handlers). Proxy thread only.
class FaultProxy::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Shared> shared, tcp::socket client)
      : shared_(std::move(shared)), client_(std::move(client)), upstream_(client_.get_executor()) {
    const Shared::Faults faults = shared_->Get();
    cut_generation_ = faults.cut_generation;
    if (faults.cut_after > 0) cut_left_ = faults.cut_after;
  }

  void Start(const tcp::endpoint& upstream) {
    upstream_.async_connect(upstream,
                            [this, self = shared_from_this()](const boost::system::error_code& ec) {
                              if (closed_) return;
                              if (ec) {
                                Close(/*reset=*/true);
                                return;
                              }
                              boost::system::error_code ignored;
                              client_.set_option(tcp::no_delay(true), ignored);
                              upstream_.set_option(tcp::no_delay(true), ignored);
                              Read(to_upstream_);
                              Read(to_client_);
                            });
  }

  // Closes both sides with a RST (SO_LINGER 0).
  void Cut() { Close(/*reset=*/true); }

 private:
  struct Chunk {
    std::vector<char> bytes;
    Clock::time_point due;
  };

  // One direction: reads `from`, writes `to`.
  struct Pipe {
    Pipe(tcp::socket& from_socket, tcp::socket& to_socket)
        : from(from_socket), to(to_socket), timer(from_socket.get_executor()) {}

    tcp::socket& from;
    tcp::socket& to;
    std::array<char, kChunkBytes> read_buffer;
    std::deque<Chunk> queue;
    size_t queued_bytes = 0;
    size_t write_offset = 0;  // into queue.front()
    Clock::time_point next_send{};
    boost::asio::steady_timer timer;
    bool reading = false;
    bool read_ended = false;
    bool writing = false;
    bool waiting = false;
    bool done = false;  // the close has been passed on
  };

  Pipe& Other(const Pipe& pipe) { return &pipe == &to_upstream_ ? to_client_ : to_upstream_; }

  void Read(Pipe& pipe) {
    if (closed_ || pipe.reading || pipe.read_ended || pipe.queued_bytes >= kMaxQueuedBytes) return;
    pipe.reading = true;
    pipe.from.async_read_some(
        boost::asio::buffer(pipe.read_buffer),
        [this, self = shared_from_this(), &pipe](const boost::system::error_code& ec, size_t n) {
          OnRead(pipe, ec, n);
        });
  }

  void OnRead(Pipe& pipe, const boost::system::error_code& ec, size_t n) {
    pipe.reading = false;
    if (closed_) return;
    const Shared::Faults faults = shared_->Get();
    if (ec) {
      pipe.read_ended = true;
      if (faults.black_hole) {
        // Not passed on; once neither peer is left there is nothing to keep.
        if (Other(pipe).read_ended) Close(/*reset=*/true);
      } else if (ec == boost::asio::error::eof) {
        Pump(pipe);  // passes the FIN on once the queue has drained
      } else {
        Close(/*reset=*/true);  // a reset is passed on as a reset
      }
      return;
    }
    if (!faults.black_hole) {
      pipe.queue.push_back(
          {std::vector<char>(pipe.read_buffer.begin(), pipe.read_buffer.begin() + n),
           Clock::now() + faults.latency});
      pipe.queued_bytes += n;
      Pump(pipe);
    }
    Read(pipe);
  }

  // Starts the next write of `pipe` if its faults allow one now, or a timer
  // for when they will.
  void Pump(Pipe& pipe) {
    if (closed_ || pipe.writing || pipe.waiting || pipe.done) return;
    const Shared::Faults faults = shared_->Get();
    if (faults.black_hole) {
      pipe.queue.clear();
      pipe.queued_bytes = 0;
      pipe.write_offset = 0;
      Read(pipe);
      return;
    }
    if (pipe.queue.empty()) {
      if (pipe.read_ended) PassOnClose(pipe);
      return;
    }
    const Clock::time_point now = Clock::now();
    Clock::time_point ready = pipe.queue.front().due;
    if (faults.bytes_per_second > 0) ready = std::max(ready, pipe.next_send);
    if (ready > now) {
      pipe.waiting = true;
      pipe.timer.expires_at(ready);
      pipe.timer.async_wait(
          [this, self = shared_from_this(), &pipe](const boost::system::error_code&) {
            pipe.waiting = false;
            Pump(pipe);  // returns at once if closed
          });
      return;
    }
    const Chunk& chunk = pipe.queue.front();
    uint64_t n = chunk.bytes.size() - pipe.write_offset;
    if (faults.bytes_per_second > 0) {
      n = std::min(n, std::max<uint64_t>(1, faults.bytes_per_second / kPacingSlicesPerSecond));
    }
    n = TakeFromCutBudget(n, faults);
    if (n == 0) {
      // The budget is spent: cut once the writes in flight are through.
      if (writes_in_flight_ == 0) Close(/*reset=*/true);
      return;
    }
    if (faults.bytes_per_second > 0) {
      pipe.next_send = std::max(now, pipe.next_send) +
                       std::chrono::nanoseconds(n * 1'000'000'000 / faults.bytes_per_second);
    }
    pipe.writing = true;
    ++writes_in_flight_;
    boost::asio::async_write(
        pipe.to, boost::asio::buffer(chunk.bytes.data() + pipe.write_offset, n),
        [this, self = shared_from_this(), &pipe](const boost::system::error_code& ec,
                                                 size_t written) { OnWritten(pipe, ec, written); });
  }

  void OnWritten(Pipe& pipe, const boost::system::error_code& ec, size_t written) {
    pipe.writing = false;
    --writes_in_flight_;
    if (closed_) return;
    if (ec) {
      Close(/*reset=*/true);
      return;
    }
    shared_->bytes_forwarded.fetch_add(written);
    pipe.write_offset += written;
    if (pipe.write_offset == pipe.queue.front().bytes.size()) {
      pipe.queued_bytes -= pipe.queue.front().bytes.size();
      pipe.queue.pop_front();
      pipe.write_offset = 0;
    }
    if (cut_left_.has_value() && *cut_left_ == 0 && writes_in_flight_ == 0) {
      Close(/*reset=*/true);
      return;
    }
    Read(pipe);  // resumes a read paused on a full queue
    Pump(pipe);
  }

  // Returns how many of the `n` bytes about to be written the cut budget lets
  // through, and takes them from it. A new CutAfterBytes() restarts the count.
  uint64_t TakeFromCutBudget(uint64_t n, const Shared::Faults& faults) {
    if (faults.cut_generation != cut_generation_) {
      cut_generation_ = faults.cut_generation;
      cut_left_.reset();
      if (faults.cut_after > 0) cut_left_ = faults.cut_after;
    }
    if (!cut_left_.has_value()) return n;
    n = std::min(n, *cut_left_);
    *cut_left_ -= n;
    return n;
  }

  // Half-closes `pipe.to` after its peer's FIN; closes the connection once
  // both directions are done.
  void PassOnClose(Pipe& pipe) {
    pipe.done = true;
    if (Other(pipe).done) {
      Close(/*reset=*/false);
      return;
    }
    boost::system::error_code ignored;
    pipe.to.shutdown(tcp::socket::shutdown_send, ignored);
  }

  void Close(bool reset) {
    if (closed_) return;
    closed_ = true;
    // Counted closed before a peer can see it: see connections_open().
    shared_->connections_open.fetch_sub(1);
    boost::system::error_code ignored;
    for (tcp::socket* socket : {&client_, &upstream_}) {
      if (reset && socket->is_open()) {
        socket->set_option(boost::asio::socket_base::linger(true, 0), ignored);
      }
      socket->close(ignored);
    }
    to_upstream_.timer.cancel();
    to_client_.timer.cancel();
    shared_->live.erase(shared_from_this());
  }

  const std::shared_ptr<Shared> shared_;
  tcp::socket client_;
  tcp::socket upstream_;
  Pipe to_upstream_{client_, upstream_};
  Pipe to_client_{upstream_, client_};
  uint64_t cut_generation_ = 0;
  std::optional<uint64_t> cut_left_;  // bytes until the cut; none if no cut is set
  int writes_in_flight_ = 0;
  bool closed_ = false;
};

FaultProxy::FaultProxy(Key) : shared_(std::make_shared<Shared>()) {}

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(const std::string& upstream) {
  const size_t colon = upstream.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(upstream.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError("upstream is not HOST:PORT: " + upstream);
  }
  std::string host = upstream.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError("upstream host is not numeric: " + upstream);

  auto proxy = std::make_unique<FaultProxy>(Key{});
  proxy->upstream_ = tcp::endpoint(address, static_cast<unsigned short>(port));
  const tcp::endpoint listen(boost::asio::ip::make_address_v4("127.0.0.1"), 0);
  proxy->acceptor_.open(listen.protocol(), ec);
  if (!ec) proxy->acceptor_.bind(listen, ec);
  if (!ec) proxy->acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (!ec) proxy->port_ = proxy->acceptor_.local_endpoint(ec).port();
  if (ec) return absl::UnavailableError("cannot listen on 127.0.0.1: " + ec.message());
  proxy->Accept();
  // The pending accept keeps run() going until StopOnIoThread() closes the
  // acceptor and every connection.
  proxy->thread_ = std::thread([raw = proxy.get()] { raw->io_.run(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  // `this` outlives the handler: the thread is joined below.
  boost::asio::post(io_, [this] { StopOnIoThread(); });
  if (thread_.joinable()) thread_.join();
  // Connections hold `shared_`: drop any left, so that no cycle leaks.
  shared_->live.clear();
}

// Proxy thread only. The handlers capture `this`: the destructor joins the
// thread before any member goes.
void FaultProxy::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: try again shortly rather than spin.
      accept_retry_.expires_after(std::chrono::milliseconds(10));
      accept_retry_.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec && acceptor_.is_open()) Accept();
      });
      return;
    }
    shared_->connections_accepted.fetch_add(1);
    shared_->connections_open.fetch_add(1);
    auto connection = std::make_shared<Connection>(shared_, std::move(socket));
    shared_->live.insert(connection);
    connection->Start(upstream_);
    Accept();
  });
}

// Proxy thread only. Leaves no work behind, so io_.run() returns.
void FaultProxy::StopOnIoThread() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  CutAllOnIoThread();
}

// Proxy thread only.
void FaultProxy::CutAllOnIoThread() {
  // A copy: each Cut() erases its connection from `live`.
  const auto live = shared_->live;
  for (const auto& connection : live) connection->Cut();
}

void FaultProxy::SetLatency(std::chrono::milliseconds one_way) {
  absl::MutexLock lock(&shared_->mu);
  shared_->faults.latency = one_way;
}

void FaultProxy::SetBandwidth(uint64_t bytes_per_second) {
  absl::MutexLock lock(&shared_->mu);
  shared_->faults.bytes_per_second = bytes_per_second;
}

void FaultProxy::CutAfterBytes(uint64_t bytes) {
  absl::MutexLock lock(&shared_->mu);
  shared_->faults.cut_after = bytes;
  ++shared_->faults.cut_generation;
}

void FaultProxy::CutAll() {
  absl::Notification done;
  // `this` and `done` outlive the handler: we wait for it.
  boost::asio::post(io_, [this, &done] {
    CutAllOnIoThread();
    done.Notify();
  });
  done.WaitForNotification();
}

void FaultProxy::BlackHole(bool on) {
  absl::MutexLock lock(&shared_->mu);
  shared_->faults.black_hole = on;
}

uint64_t FaultProxy::bytes_forwarded() const { return shared_->bytes_forwarded.load(); }
int FaultProxy::connections_accepted() const { return shared_->connections_accepted.load(); }
int FaultProxy::connections_open() const { return shared_->connections_open.load(); }

}  // namespace sluice::testing
