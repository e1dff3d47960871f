// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Incremental SHA-256 over OpenSSL's EVP interface, for `sluice upload` and `download` to check
// what the server announces against what went over the wire.

#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's context type, declared here so the header does not pull in <openssl/evp.h>.
struct evp_md_ctx_st;

namespace sluice::cli {

// A running SHA-256 digest. Owns its OpenSSL context; not copyable; one thread at a time.
class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  // Adds `bytes` to the digest. A failure inside OpenSSL is remembered and reported by HexDigest.
  void Update(absl::string_view bytes);

  // The digest of everything added, as 64 lowercase hex digits. Call once.
  absl::StatusOr<std::string> HexDigest();

 private:
  evp_md_ctx_st* context_;
  bool ok_;
};

}  // namespace sluice::cli
