// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the SHA-256 digest on OpenSSL EVP (see sha256.h).

#include "tools/sha256.h"

#include <openssl/evp.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace sluice::cli {

Sha256::Sha256() : context_(EVP_MD_CTX_new()), ok_(context_ != nullptr) {
  if (ok_) ok_ = EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) == 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::Update(absl::string_view bytes) {
  if (ok_) ok_ = EVP_DigestUpdate(context_, bytes.data(), bytes.size()) == 1;
}

absl::StatusOr<std::string> Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!ok_ || EVP_DigestFinal_ex(context_, digest, &length) != 1) {
    ok_ = false;
    return absl::InternalError("OpenSSL failed to compute a SHA-256 digest");
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace sluice::cli
