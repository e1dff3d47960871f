// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluiced's malloc tuning: it takes effect, and an operator's own
// GLIBC_TUNABLES win over it.

#include "engine/exe/malloc_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <stdlib.h>

#include <cstddef>

namespace sluice::server {
namespace {

TEST(MallocTuningTest, OperatorsThresholdsWin) {
  EXPECT_FALSE(OperatorTunedMalloc(""));
  EXPECT_FALSE(OperatorTunedMalloc("glibc.malloc.arena_max=2"));
  EXPECT_TRUE(OperatorTunedMalloc("glibc.malloc.trim_threshold=1048576"));
  EXPECT_TRUE(OperatorTunedMalloc("glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536"));
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kGlibcMalloc = false;  // The sanitizers bring their own allocator.
#else
constexpr bool kGlibcMalloc = true;
#endif

// ctest runs each test in a process of its own, so glibc's defaults hold
// here: a 6 MiB block would be mmapped (128 KiB threshold) unless tuned.
TEST(MallocTuningTest, LargeMessagesComeFromTheHeapOnceTuned) {
  if (!kGlibcMalloc) GTEST_SKIP() << "not glibc's malloc";
  unsetenv("GLIBC_TUNABLES");  // Only read by TuneMallocForLargeMessages().
  ASSERT_TRUE(TuneMallocForLargeMessages());
  const size_t mapped_before = mallinfo2().hblks;
  constexpr size_t kMessageBytes = size_t{6} << 20;
  static_assert(kMessageBytes < kMallocMmapThresholdBytes);
  char* volatile block = static_cast<char*>(malloc(kMessageBytes));
  ASSERT_NE(block, nullptr);
  block[0] = 1;  // Used, so the pair is not optimised away.
  EXPECT_EQ(mallinfo2().hblks, mapped_before);
  free(block);
}

TEST(MallocTuningTest, DoesNothingWhenTheOperatorTunedMalloc) {
  setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576", 1);
  EXPECT_FALSE(TuneMallocForLargeMessages());
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace
}  // namespace sluice::server
