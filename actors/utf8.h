// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ToValidUtf8: makes text safe for a protobuf `string` field.

#pragma once

#include <string>
#include <string_view>

namespace sluice::actors {

/// Returns `text` unchanged when it is valid UTF-8, else a copy in which each
/// byte that is not part of a valid sequence is written as `\xNN`. Error
/// messages quote what a client sent, and a protobuf `string` holding invalid
/// UTF-8 makes the client's parser reject the whole response (and so the
/// stream). Thread-safe (pure).
std::string ToValidUtf8(std::string_view text);

}  // namespace sluice::actors
