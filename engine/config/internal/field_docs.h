// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The leading comments of config.proto's fields. Generated code carries no
// comments, so the build embeds a descriptor set made with
// --include_source_info (embed_descriptor_set.cmake) and this reads it.

#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace sluice::config::internal {

/// Defined in the generated config_descriptor_set.cc: a serialized
/// FileDescriptorSet of sluice/config/v1/config.proto with source info.
extern const unsigned char kConfigDescriptorSet[];
extern const size_t kConfigDescriptorSetSize;

/// Field full name ("sluice.config.v1.Streams.credits_per_stream") -> its
/// leading comment as one paragraph. Thread-safe.
std::map<std::string, std::string> FieldComments();

}  // namespace sluice::config::internal
