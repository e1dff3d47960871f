// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/sha256.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"

namespace sluice::models::internal {

void Sha256::Free::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

Sha256::Sha256() : context_(EVP_MD_CTX_new()) { Reset(); }

void Sha256::Reset() {
  ok_ = context_ != nullptr && EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1;
}

void Sha256::Update(absl::string_view data) {
  if (ok_ && !data.empty()) ok_ = EVP_DigestUpdate(context_.get(), data.data(), data.size()) == 1;
}

absl::StatusOr<std::string> Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = ok_ && EVP_DigestFinal_ex(context_.get(), digest, &length) == 1;
  Reset();
  if (!ok) return absl::InternalError("OpenSSL failed to compute a SHA-256 digest");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
}

}  // namespace sluice::models::internal
