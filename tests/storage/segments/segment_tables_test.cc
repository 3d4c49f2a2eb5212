// Segments: rows land in hive partitions by their day, one file per shard
// and epoch, visible only once published; a restart after a checkpoint
// deletes what later epochs and unfinished files held; muted sinks drop
// rows; compact files supersede what they merged.
#include "storage/segments/segment_tables.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "storage/segments/segment_layout.h"
#include "storage/segments/segment_reader.h"

namespace civicflow::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kColumns[] = {"site_id", "hour_start", "entries", "share", "open"};
constexpr std::string_view kKey[] = {"site_id", "hour_start"};
constexpr ColumnType kTypes[] = {ColumnType::kText, ColumnType::kTimestamp, ColumnType::kInt,
                                 ColumnType::kDecimal, ColumnType::kBool};
const TableLayout kTable{"flow", kColumns, kKey, kTypes};

class SegmentTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("civicflow-segments-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<SegmentTables> Open(uint64_t final_epoch, uint32_t shards = 2) {
    auto tables = SegmentTables::Open(dir_, std::span(&kTable, 1), shards, final_epoch);
    EXPECT_TRUE(tables.ok()) << tables.status().message();
    return tables.ok() ? std::move(*tables) : nullptr;
  }
  static void Row(SegmentTables& t, uint32_t shard, std::string_view site, std::string_view hour,
                  std::string_view entries, std::string_view share = "", std::string_view open = "true") {
    const std::string_view cells[] = {site, hour, entries, share, open};
    t.Sink(shard, 0)->Row(cells);
  }
  std::vector<TextRow> Rows() {
    auto rows = ReadTableRows(dir_, "flow", kColumns);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::vector<TextRow> out = rows.ok() ? *rows : std::vector<TextRow>{};
    std::sort(out.begin(), out.end());
    return out;
  }
  size_t LiveFiles() {
    auto listing = ListSegments(dir_);
    return listing.ok() ? listing->live.size() : 0;
  }
  fs::path dir_;
};

TEST_F(SegmentTablesTest, RowsArePartitionedByDayAndVisibleOncePublished) {
  auto t = Open(0);
  Row(*t, 0, "v1", "2026-11-20 10:00:00", "5", "12.5");
  Row(*t, 1, "v2", "2026-11-20 11:00:00", "-3");
  Row(*t, 0, "v1", "2026-11-21 00:00:00", "7", "0.000001", "false");
  EXPECT_EQ(LiveFiles(), 0u) << "nothing is visible before the epoch is published";
  auto epoch = t->Publish();
  ASSERT_TRUE(epoch.ok()) << epoch.status().message();
  EXPECT_EQ(*epoch, 1u);
  EXPECT_TRUE(fs::exists(PartitionDir(dir_, "flow", "2026-11-20") / PartFileName(1, 0)));
  EXPECT_TRUE(fs::exists(PartitionDir(dir_, "flow", "2026-11-20") / PartFileName(1, 1)));
  EXPECT_TRUE(fs::exists(PartitionDir(dir_, "flow", "2026-11-21") / PartFileName(1, 0)));
  EXPECT_EQ(Rows(), (std::vector<TextRow>{{"v1", "2026-11-20 10:00:00", "5", "12.5", "true"},
                                          {"v1", "2026-11-21 00:00:00", "7", "0.000001", "false"},
                                          {"v2", "2026-11-20 11:00:00", "-3", "", "true"}}));
  Row(*t, 1, "v3", "2026-11-20 12:00:00", "1");
  ASSERT_EQ(*t->Publish(), 2u);
  EXPECT_TRUE(fs::exists(PartitionDir(dir_, "flow", "2026-11-20") / PartFileName(2, 1)));
  EXPECT_EQ(Rows().size(), 4u);
}

TEST_F(SegmentTablesTest, ARestartDeletesLaterEpochsAndUnfinishedFiles) {
  {
    auto t = Open(0);
    Row(*t, 0, "kept", "2026-11-20 10:00:00", "1");
    ASSERT_EQ(*t->Publish(), 1u);  // the checkpoint's epoch
    Row(*t, 0, "published after the checkpoint", "2026-11-20 11:00:00", "2");
    ASSERT_EQ(*t->Publish(), 2u);
    Row(*t, 1, "never published", "2026-11-20 12:00:00", "3");
    // A crash here: epoch 3's file is a .tmp, epoch 2 is not final.
    const fs::path tmp = PartitionDir(dir_, "flow", "2026-11-20") / (PartFileName(3, 1) + ".tmp");
    std::ofstream(tmp) << "partial";
    auto again = Open(1);
    EXPECT_FALSE(fs::exists(tmp));
    EXPECT_EQ(Rows(), (std::vector<TextRow>{{"kept", "2026-11-20 10:00:00", "1", "", "true"}}));
    EXPECT_EQ(again->epoch(), 2u) << "the next epoch follows the checkpoint's";
  }
}

TEST_F(SegmentTablesTest, MutedSinksDropRows) {
  auto t = Open(0);
  t->SetMuted(true);
  Row(*t, 0, "replayed", "2026-11-20 10:00:00", "1");
  t->SetMuted(false);
  Row(*t, 0, "live", "2026-11-20 10:00:00", "2");
  ASSERT_TRUE(t->Publish().ok());
  EXPECT_EQ(Rows(), (std::vector<TextRow>{{"live", "2026-11-20 10:00:00", "2", "", "true"}}));
}

TEST_F(SegmentTablesTest, ACellItsTypeRejectsFailsThePublish) {
  auto t = Open(0);
  Row(*t, 0, "v1", "2026-11-20 10:00:00", "five");
  auto epoch = t->Publish();
  ASSERT_FALSE(epoch.ok());
  EXPECT_NE(epoch.status().message().find("entries"), std::string::npos) << epoch.status().message();
}

TEST_F(SegmentTablesTest, ACompactFileSupersedesWhatItMerged) {
  auto t = Open(0, 1);
  for (int epoch = 1; epoch <= 3; ++epoch) {
    Row(*t, 0, "v" + std::to_string(epoch), "2026-11-20 10:00:00", "1");
    ASSERT_TRUE(t->Publish().ok());
  }
  // A compact file of epochs 1..2 (here: a copy of epoch 2's rows stands in).
  const fs::path partition = PartitionDir(dir_, "flow", "2026-11-20");
  fs::copy_file(partition / PartFileName(2, 0), partition / CompactFileName(2));
  auto listing = ListSegments(dir_);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->live.size(), 2u);
  EXPECT_FALSE(listing->live[0].shard.has_value());
  EXPECT_EQ(listing->live[0].epoch, 2u);
  EXPECT_EQ(listing->live[1].epoch, 3u);
  ASSERT_EQ(listing->superseded.size(), 2u);
  EXPECT_EQ(listing->superseded[0].path.filename(), PartFileName(1, 0));
  EXPECT_EQ(ParseSegmentPath(partition / "part-x-000.parquet"), std::nullopt);
  EXPECT_EQ(ParseSegmentPath(dir_ / "segments" / "flow" / "day=1" / PartFileName(1, 0)), std::nullopt);
}

}  // namespace
}  // namespace civicflow::storage
