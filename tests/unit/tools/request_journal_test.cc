// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of RequestJournal, which keeps the unanswered requests of `sluice session --resume` and
// hands them to each call's writer.

#include "tools/request_journal.h"

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"

namespace sluice::cli {
namespace {

v1::InferRequest Request(const std::string& payload) {
  v1::InferRequest request;
  request.set_payload(payload);
  return request;
}

TEST(RequestJournalTest, NumbersRequestsAndHandsThemOutInOrder) {
  RequestJournal journal(8);
  ASSERT_TRUE(journal.Add(Request("a")));
  ASSERT_TRUE(journal.Add(Request("b")));
  v1::InferRequest request;
  ASSERT_EQ(journal.NextToSend(0, &request), RequestJournal::Next::kRequest);
  EXPECT_EQ(request.sequence(), 1u);
  EXPECT_EQ(request.payload(), "a");
  ASSERT_EQ(journal.NextToSend(1, &request), RequestJournal::Next::kRequest);
  EXPECT_EQ(request.sequence(), 2u);
  EXPECT_EQ(request.payload(), "b");
  journal.EndInput(absl::OkStatus());
  EXPECT_EQ(journal.NextToSend(2, &request), RequestJournal::Next::kInputEnded);
}

TEST(RequestJournalTest, NextWriterStartsAgainFromTheOldestUnanswered) {
  RequestJournal journal(8);
  for (const char* payload : {"a", "b", "c"}) ASSERT_TRUE(journal.Add(Request(payload)));
  journal.Answer(1);
  journal.EndInput(absl::OkStatus());
  EXPECT_EQ(journal.unanswered(), 2u);
  // A new call's writer starts from 0: it gets 2 and 3 again, then may half-close.
  v1::InferRequest request;
  ASSERT_EQ(journal.NextToSend(0, &request), RequestJournal::Next::kRequest);
  EXPECT_EQ(request.sequence(), 2u);
  journal.Answer(2);
  ASSERT_EQ(journal.NextToSend(2, &request), RequestJournal::Next::kRequest);
  EXPECT_EQ(request.sequence(), 3u);
  EXPECT_EQ(journal.NextToSend(3, &request), RequestJournal::Next::kInputEnded);
}

TEST(RequestJournalTest, HeardThroughIsTheHighestRequestWithAResponse) {
  RequestJournal journal(8);
  for (const char* payload : {"a", "b", "c"}) ASSERT_TRUE(journal.Add(Request(payload)));
  EXPECT_EQ(journal.heard_through(), 0u);
  journal.Heard(2);
  journal.Heard(1);  // A late response to an earlier request does not move it back.
  EXPECT_EQ(journal.heard_through(), 2u);
  // Request 2 has responses but no final one yet: it stays unanswered, and a
  // new call's writer starting after heard_through() sends only 3.
  EXPECT_EQ(journal.unanswered(), 3u);
  v1::InferRequest request;
  ASSERT_EQ(journal.NextToSend(journal.heard_through(), &request), RequestJournal::Next::kRequest);
  EXPECT_EQ(request.sequence(), 3u);
}

TEST(RequestJournalTest, WaitingWriterWakesForANewRequestAndForStop) {
  RequestJournal journal(8);
  v1::InferRequest request;
  RequestJournal::Next got = RequestJournal::Next::kStopped;
  std::thread writer([&] { got = journal.NextToSend(0, &request); });
  ASSERT_TRUE(journal.Add(Request("late")));
  writer.join();
  EXPECT_EQ(got, RequestJournal::Next::kRequest);
  EXPECT_EQ(request.payload(), "late");

  std::thread stopped_writer([&] { got = journal.NextToSend(1, &request); });
  journal.StopWriter();
  stopped_writer.join();
  EXPECT_EQ(got, RequestJournal::Next::kStopped);
  // Until the next call's writer starts.
  EXPECT_EQ(journal.NextToSend(0, &request), RequestJournal::Next::kStopped);
  journal.StartWriter();
  EXPECT_EQ(journal.NextToSend(0, &request), RequestJournal::Next::kRequest);
}

TEST(RequestJournalTest, AddWaitsForRoomAndCloseReleasesIt) {
  RequestJournal journal(1);
  ASSERT_TRUE(journal.Add(Request("a")));
  absl::Notification added;
  bool second = false;
  std::thread input([&] {
    second = journal.Add(Request("b"));
    added.Notify();
  });
  journal.Answer(1);  // Room again.
  added.WaitForNotification();
  EXPECT_TRUE(second);
  EXPECT_EQ(journal.unanswered(), 1u);
  input.join();

  bool third = true;
  std::thread blocked([&] { third = journal.Add(Request("c")); });
  journal.Close();
  blocked.join();
  EXPECT_FALSE(third);
  EXPECT_EQ(journal.unanswered(), 1u);
}

TEST(RequestJournalTest, FailedInputEndsItWithTheError) {
  RequestJournal journal(8);
  journal.EndInput(absl::DataLossError("cannot read stdin"));
  EXPECT_TRUE(journal.input_ended());
  EXPECT_EQ(journal.input_status().code(), absl::StatusCode::kDataLoss);
  v1::InferRequest request;
  EXPECT_EQ(journal.NextToSend(0, &request), RequestJournal::Next::kInputEnded);
}

}  // namespace
}  // namespace sluice::cli
