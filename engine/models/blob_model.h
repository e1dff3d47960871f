// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `blob` demo model: large binaries in chunks. Download streams a
// generated PPM image of an exact size; upload hashes what it receives.

#pragma once

#include <memory>

#include "sluice/model.h"

namespace sluice::models {

/// Download (Generate, Stream): each request gets a deterministic binary PPM
/// image of "size_bytes", in "chunk_bytes" chunks generated one at a time, the
/// last carrying the SHA-256 of the whole. Upload (Ingest): each request is
/// the next chunk; at half-close one confirmation with size and SHA-256.
/// Memory per stream is one chunk, whatever the blob's size.
///
/// Ownership: shared by the engine's registry and its sessions.
/// Threads: thread-safe (the model has no state; each session has its own).
class BlobModel final : public Model {
 public:
  absl::StatusOr<std::unique_ptr<ModelSession>> NewSession(
      const std::shared_ptr<const SessionContext>& context) override;
};

}  // namespace sluice::models
