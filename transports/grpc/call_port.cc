// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "transports/grpc/call_port.h"

#include <utility>

namespace sluice::transport {

CallOps* CallPort::Live() const {
  if (finished_.load(std::memory_order_acquire)) return nullptr;
  return ops_.load(std::memory_order_acquire);
}

void CallPort::StartRead() {
  if (CallOps* ops = Live()) ops->DoStartRead();
}

void CallPort::StartWrite(v1::InferResponse&& response) {
  if (CallOps* ops = Live()) ops->DoStartWrite(std::move(response));
}

void CallPort::Finish(const absl::Status& status) {
  CallOps* ops = Live();
  if (ops == nullptr || finished_.exchange(true, std::memory_order_acq_rel)) return;
  ops->DoFinish(status);
}

void CallPort::Detach() { ops_.store(nullptr, std::memory_order_release); }

}  // namespace sluice::transport
