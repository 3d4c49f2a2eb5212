#include "operators/deduplicator.h"

#include <gtest/gtest.h>

#include <future>

#include "tests/support/examples.h"
#include "tests/support/live_pipeline.h"
#include "tests/support/records.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using testing::EnterRecord;
using testing::RecordSet;

// Collects what passes the deduplicator.
class Sink final : public Operator {
 public:
  explicit Sink(std::vector<const ingest::Record*>& out) : out_(out) {}
  void OnBatch(std::span<const ingest::Record* const> records) override {
    out_.insert(out_.end(), records.begin(), records.end());
  }
  void OnWatermark(LocalTime) override {}
  void Flush() override {}
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}

 private:
  std::vector<const ingest::Record*>& out_;
};

std::unique_ptr<Deduplicator> MakeDedup(std::vector<const ingest::Record*>& passed,
                                        DedupOptions options = {}) {
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::make_unique<Sink>(passed));
  return std::make_unique<Deduplicator>(options, std::move(downstream));
}

ingest::InterfaceId EnterId() {
  return ingest::Registry::Get().IdOf(*ingest::Registry::Get().Find(Platform::kParking, "enterRecord"));
}

TEST(Deduplicator, DropsExactDuplicatesAndCountsCorrections) {
  RecordSet in;
  in.Add(Platform::kParking, "enterRecord", EnterRecord(0xa1, "粤B12345", "2026-11-20 18:00:00"))
      .Add(Platform::kParking, "enterRecord", EnterRecord(0xa2, "粤B22222", "2026-11-20 18:01:00"))
      .Add(Platform::kParking, "enterRecord",
           EnterRecord(0xa1, "粤B12345", "2026-11-20 18:00:00"))  // duplicate
      .Add(Platform::kParking, "enterRecord",
           EnterRecord(0xa1, "粤B54321", "2026-11-20 18:00:00"))  // correction
      .Add(Platform::kParking, "enterRecord",
           EnterRecord(0xa1, "粤B54321", "2026-11-20 18:00:00"));  // dup of it
  std::vector<const ingest::Record*> passed;
  auto dedup = MakeDedup(passed);
  dedup->OnBatch(in.Pointers());
  ASSERT_EQ(passed.size(), 2u);
  EXPECT_EQ(passed[0], &in.records()[0]);
  EXPECT_EQ(passed[1], &in.records()[1]);
  EXPECT_EQ(dedup->duplicates()[EnterId()], 2u);
  EXPECT_EQ(dedup->corrections()[EnterId()], 1u);
  EXPECT_EQ(dedup->keys(), 2u);
}

TEST(Deduplicator, ForgetsKeysBeyondTheHorizonOfEventTime) {
  RecordSet in;
  in.Add(Platform::kParking, "enterRecord", EnterRecord(1, "粤B12345", "2026-11-18 08:00:00"))
      .Add(Platform::kParking, "enterRecord", EnterRecord(2, "粤B12345", "2026-11-20 08:00:00"));
  std::vector<const ingest::Record*> passed;
  auto dedup = MakeDedup(passed, {.horizon_s = 24 * 3600, .sweep_every_s = 3600});
  dedup->OnBatch(in.Pointers());
  EXPECT_EQ(dedup->keys(), 2u);
  dedup->OnWatermark(*ParseDateTime("2026-11-20 09:00:00"));
  EXPECT_EQ(dedup->keys(), 1u) << "the key 49 h behind the watermark is expired";
  // A resend of the expired key is no longer recognised (documented bound).
  dedup->OnBatch(std::vector<const ingest::Record*>{&in.records()[0], &in.records()[1]});
  EXPECT_EQ(passed.size(), 3u);
  EXPECT_EQ(dedup->duplicates()[EnterId()], 1u);
}

TEST(Deduplicator, GrowsWithoutLosingKeys) {
  RecordSet in;
  for (int i = 0; i < 5000; ++i)
    in.Add(Platform::kParking, "enterRecord",
           EnterRecord(static_cast<uint64_t>(i), "粤B12345", "2026-11-20 18:00:00"));
  std::vector<const ingest::Record*> passed;
  auto dedup = MakeDedup(passed);
  dedup->OnBatch(in.Pointers());
  dedup->OnBatch(in.Pointers());
  EXPECT_EQ(passed.size(), 5000u);
  EXPECT_EQ(dedup->duplicates()[EnterId()], 5000u);
  EXPECT_GE(dedup->bytes(), 5000u * 2 * 24);
}

TEST(Deduplicator, PassesInterfacesWithoutADedupKey) {
  RecordSet in;
  const auto* spec = ingest::Registry::Get().Find(Platform::kFitness, "syncVenueData");
  ASSERT_TRUE(spec->dedup_key[0].empty());
  in.Add(Platform::kFitness, "syncVenueData",
         R"({"venueId":"000001","state":"0","businessTime":"09:00-21:00"})");
  std::vector<const ingest::Record*> passed;
  auto dedup = MakeDedup(passed);
  dedup->OnBatch(in.Pointers());
  dedup->OnBatch(in.Pointers());
  EXPECT_EQ(passed.size(), 2u);
}

// A device status report (stk/sbzt) has no time of its own: its request time
// is the server's clock when served, which can be days ahead of a backlog a
// lot on the same shard is uploading. Had it moved the shard's watermark, the
// sweep would have forgotten the lot's keys and the lot's resend would count
// again when served, not in a replay (where the report's time is the archive's).
TEST(Deduplicator, ADeviceReportStampedDaysLaterLeavesAnotherSitesKeysKnown) {
  testing::LivePipeline pipeline(/*shards=*/1);  // the lot and the community share the shard
  auto submit = [&](Platform platform, std::string_view interface, int64_t request_ts_ms) {
    std::promise<ingest::http::SubmitOutcome> outcome;
    const auto* spec = ingest::Registry::Get().Find(platform, interface);
    const auto error = pipeline.submitter().Submit(
        ingest::Registry::Get().IdOf(*spec), testing::ExampleBody(platform, interface), request_ts_ms,
        [&outcome](const ingest::http::SubmitOutcome& o) { outcome.set_value(o); });
    EXPECT_FALSE(error) << error->Message();
    return error ? ingest::http::SubmitOutcome{} : outcome.get_future().get();
  };
  constexpr int64_t kListedMs = 1'794'758'400'000;  // 2026-11-16 00:00 local
  constexpr int64_t kWeekMs = 7 * 24 * 3600 * 1000LL;
  EXPECT_EQ(submit(Platform::kParking, "parkSpaceInfo", kListedMs).accepted, 1u);
  EXPECT_EQ(submit(Platform::kCommunity, "stk/sbzt", kListedMs + kWeekMs).accepted, 1u);
  const ingest::http::SubmitOutcome resent = submit(Platform::kParking, "parkSpaceInfo", kListedMs);
  EXPECT_EQ(resent.duplicates, 1u);
  EXPECT_EQ(resent.accepted, 0u);
  pipeline.Drain();
  EXPECT_EQ(pipeline.rows(Table::kSiteStatus).size(), 1u) << "the report is applied, at its request time";
}

}  // namespace
}  // namespace civicflow::operators
