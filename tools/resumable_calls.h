// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The Generate and Stream calls of `sluice generate --resume` and `sluice session --resume`: one
// resumable session that survives lost connections by reconnecting and resuming (ResumingCall).

#pragma once

#include <functional>

#include "sluice/v1/inference.pb.h"
#include "tools/bidi_stream.h"
#include "tools/call_options.h"
#include "tools/calls.h"

namespace sluice::cli {

// RunGenerate in a resumable session (`options.resume` must be set): when the call is lost it
// reconnects with backoff and resumes, so `on_response` sees every response exactly once, in
// order. Returns the exit code as RunGenerate does; called from the main thread.
int RunResumableGenerate(const CallOptions& options, const v1::InferRequest& request,
                         OnGenerateResponse on_response,
                         const std::function<void()>& end_line = nullptr);

// RunBidiStream in a resumable session (`options.call.resume` must be set). The requests (the
// prompt, or stdin lines read by an input thread) are kept until their final response arrives;
// after a resume the ones not answered yet are sent again with their original sequence, and the
// server skips those it already has. Every response is printed exactly once. Called from the main
// thread; it starts and joins its own input and writer threads.
int RunResumableStream(const StreamOptions& options);

}  // namespace sluice::cli
