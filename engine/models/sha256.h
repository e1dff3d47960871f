// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// An incremental SHA-256 over OpenSSL's EVP interface, for the `blob` model:
// a blob is hashed chunk by chunk, never held whole.

#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace sluice::models::internal {

/// A running SHA-256. Errors (only an out-of-memory OpenSSL) are reported by
/// HexDigest(), so callers need no check per Update().
///
/// Ownership: a value owned by one session. Threads: one at a time.
class Sha256 {
 public:
  Sha256();
  /// Starts a new digest.
  void Reset();
  void Update(absl::string_view data);
  /// The digest of everything since Reset(), as 64 lowercase hex digits.
  /// Resets the hash.
  absl::StatusOr<std::string> HexDigest();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const;
  };
  std::unique_ptr<EVP_MD_CTX, Free> context_;
  bool ok_ = false;
};

}  // namespace sluice::models::internal
