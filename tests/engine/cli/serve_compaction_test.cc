// Background compaction in `civicflow serve`, the real binary: uploads over
// loopback HTTP while epochs are published every 50 ms and the segments are
// compacted every second, so merges run beside the engine publishing new
// epochs. After SIGTERM every table equals a replay of the same uploads, no
// superseded file is left, and far fewer files remain than were published.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "engine/cli/replay.h"
#include "operators/tables.h"
#include "storage/checkpoint.h"
#include "storage/segments/segment_layout.h"
#include "tests/support/http_uploads.h"
#include "tests/support/serve_process.h"
#include "tests/support/table_compare.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

size_t CompactFiles(const fs::path& data_dir) {
  auto listing = storage::ListSegments(data_dir);
  if (!listing.ok()) return 0;
  return static_cast<size_t>(std::count_if(listing->live.begin(), listing->live.end(),
                                           [](const storage::SegmentFile& f) { return !f.shard; }));
}

TEST(ServeCompactionTest, CompactsWhilePublishingAndKeepsEveryRow) {
  const fs::path dir = testing::FreshTestDir("serve-compact");

  datagen::GeneratorOptions generate = testing::FaultyArchive(dir, 2'500, 17);
  generate.days = 1;  // fewer sites and days: fewer heartbeat uploads per record
  generate.lots = 10;
  generate.venues = 8;
  generate.communities = 4;
  generate.sessions = 3;
  const testing::DemoUploads demo = testing::PrepareUploads(dir, generate);
  ASSERT_GT(demo.uploads.size(), 300u);

  const fs::path data = dir / "serve";
  {
    testing::ServeProcess serve(data, demo.accounts_file, "127.0.0.1:0",
                                {"--checkpoint-interval", "50", "--compact-interval", "1"});
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
    const auto started = std::chrono::steady_clock::now();
    for (size_t i = 0; i < demo.uploads.size(); ++i) {
      const Result<std::string> code = testing::SendUpload(clients, transport, demo.uploads[i]);
      ASSERT_TRUE(code.ok()) << code.status().message();
      // Spread the uploads over about three seconds of epochs and compactions.
      const auto due = started + 3000ms * (i + 1) / demo.uploads.size();
      std::this_thread::sleep_until(due);
    }
    std::printf("[  compact] %zu uploads in %.1f s\n", demo.uploads.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // Merges happened while uploads were published; wait for the rest to be merged too.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (CompactFiles(data) == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    ASSERT_GT(CompactFiles(data), 0u) << "no compaction within a minute";
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(serve.Stop(), 0) << "SIGTERM must drain and exit 0";
  }

  auto listing = storage::ListSegments(data);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_TRUE(listing->superseded.empty())
      << listing->superseded.size() << " superseded files left, e.g. " << listing->superseded.front().path;
  auto checkpoint = storage::LoadCheckpoint(storage::FileSystem::Posix(), data);
  ASSERT_TRUE(checkpoint.ok() && *checkpoint);
  std::set<std::string> tables;
  for (const storage::SegmentFile& f : listing->live) tables.insert(f.table);
  const uint64_t epochs = (*checkpoint)->epoch;
  std::printf("[  compact] %llu epochs, %zu tables, %zu live files (%zu compact)\n",
              static_cast<unsigned long long>(epochs), tables.size(), listing->live.size(),
              CompactFiles(data));
  EXPECT_GT(epochs, 20u);
  EXPECT_LT(listing->live.size() * 10, epochs * tables.size()) << "compaction left too many files";
  for (const auto& entry : fs::recursive_directory_iterator(storage::SegmentsDir(data)))
    EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << entry.path();

  ReplayOptions replay;
  replay.data_dir = (dir / "replay").string();
  replay.files = {generate.out_path};
  replay.shards = 2;
  replay.threads = 2;
  ASSERT_TRUE(RunReplay(replay).ok());
  testing::ExpectTablesEqualReplay(data, dir / "replay");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
