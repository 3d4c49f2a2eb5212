// The WAL: frames come back in order across files; group commit makes one
// fsync serve many appends; recovery stops at a torn or corrupt tail and
// the log continues cleanly after repair; failed fsyncs and short writes are
// reported to every waiting append and never acknowledged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "storage/checkpoint.h"
#include "storage/state_file.h"
#include "storage/wal/crc32c.h"
#include "storage/wal/wal_reader.h"
#include "storage/wal/wal_writer.h"
#include "tests/support/faulty_file_system.h"

namespace civicflow::storage {
namespace {

namespace fs = std::filesystem;

class WalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("civicflow-wal-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Appends `payloads` and waits until all are durable; their statuses.
  std::vector<Status> AppendAll(WalWriter& wal, const std::vector<std::string>& payloads) {
    std::vector<std::promise<Status>> done(payloads.size());
    for (size_t i = 0; i < payloads.size(); ++i)
      wal.Append(FrameType::kUpload, payloads[i],
                 [&done, i](const Status& s, WalPosition) { done[i].set_value(s); });
    std::vector<Status> out;
    for (auto& d : done) out.push_back(d.get_future().get());
    return out;
  }
  // One at a time, each waited for: every frame is a round of its own.
  void AppendEach(WalWriter& wal, const std::vector<std::string>& payloads) {
    for (const std::string& p : payloads)
      for (const Status& s : AppendAll(wal, {p})) ASSERT_TRUE(s.ok()) << s.message();
  }
  Result<WalScan> Scan(std::vector<std::string>& payloads, WalPosition from = {}) {
    return ScanWal(fs_, dir_, from, [&](const WalFrame& f) {
      payloads.emplace_back(f.payload);
      return Status();
    });
  }
  std::vector<std::string> Payloads(int n, const std::string& prefix) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i) + std::string(i % 50, 'x'));
    return out;
  }

  fs::path dir_;
  testing::FaultyFileSystem fs_;
};

TEST(Crc32cTest, KnownValues) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);  // the standard check value
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32cExtend(Crc32c("1234"), "56789"), Crc32c("123456789"));
}

TEST_F(WalTest, FramesComeBackInOrderAcrossRotatedFiles) {
  const std::vector<std::string> payloads = Payloads(500, "frame ");
  {
    auto wal = WalWriter::Open(fs_, dir_, {}, WalOptions{.file_bytes = 4096});
    ASSERT_TRUE(wal.ok()) << wal.status().message();
    AppendEach(**wal, payloads);
  }
  size_t files = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_GT(files, 5u) << "4 KiB files must rotate";
  std::vector<std::string> read;
  auto scan = Scan(read);
  ASSERT_TRUE(scan.ok()) << scan.status().message();
  EXPECT_TRUE(scan->damage.empty()) << scan->damage;
  EXPECT_EQ(read, payloads);
  EXPECT_EQ(scan->frames, payloads.size());

  // From a position on: only the frames at or after it.
  std::vector<WalPosition> positions;
  ASSERT_TRUE(ScanWal(fs_, dir_, {}, [&](const WalFrame& f) {
                positions.push_back(f.position);
                return Status();
              }).ok());
  read.clear();
  ASSERT_TRUE(Scan(read, positions[300]).ok());
  EXPECT_EQ(read, std::vector<std::string>(payloads.begin() + 300, payloads.end()));
}

TEST_F(WalTest, GroupCommitSharesFsyncsAmongConcurrentWriters) {
  auto wal = WalWriter::Open(fs_, dir_, {});
  ASSERT_TRUE(wal.ok());
  constexpr int kThreads = 16, kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::promise<Status> done;
        (*wal)->Append(FrameType::kUpload, "writer " + std::to_string(t) + " " + std::to_string(i),
                       [&](const Status& s, WalPosition) { done.set_value(s); });
        failures += !done.get_future().get().ok();  // each writer waits, as an HTTP request does
      }
    });
  for (auto& w : writers) w.join();
  const WalStats stats = (*wal)->stats();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(stats.frames, uint64_t{kThreads * kPerThread});
  EXPECT_LT(stats.syncs, stats.frames / 2) << "concurrent appends must share fsyncs";
}

TEST_F(WalTest, CallbacksRunInAppendOrderWithIncreasingPositions) {
  auto wal = WalWriter::Open(fs_, dir_, {});
  ASSERT_TRUE(wal.ok());
  std::vector<uint64_t> ends;  // commit thread only
  std::promise<void> all;
  for (int i = 0; i < 1000; ++i)
    (*wal)->Append(FrameType::kUpload, std::string(static_cast<size_t>(i % 7), 'p'),
                   [&ends](const Status&, WalPosition end) { ends.push_back(end.bytes); });
  (*wal)->Then([&](WalPosition) { all.set_value(); });
  all.get_future().get();
  ASSERT_EQ(ends.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(ends.begin(), ends.end()));
  EXPECT_EQ(ends.back(), 1000 * kFrameHeaderBytes + (1000 / 7) * 21 + (1 + 2 + 3 + 4 + 5));
}

TEST_F(WalTest, RecoveryStopsAtATornTailAndTheLogContinuesAfterRepair) {
  const std::vector<std::string> payloads = Payloads(20, "torn ");
  {
    auto wal = WalWriter::Open(fs_, dir_, {});
    ASSERT_TRUE(wal.ok());
    for (const Status& s : AppendAll(**wal, payloads)) ASSERT_TRUE(s.ok());
  }
  const fs::path file = dir_ / WalFileName({});
  fs::resize_file(file, fs::file_size(file) - 3);  // a crash mid-append

  std::vector<std::string> read;
  auto scan = Scan(read);
  ASSERT_TRUE(scan.ok());
  EXPECT_NE(scan->damage.find("torn frame payload"), std::string::npos) << scan->damage;
  EXPECT_EQ(read, std::vector<std::string>(payloads.begin(), payloads.end() - 1));

  ASSERT_TRUE(RepairWal(fs_, dir_, *scan).ok());
  {
    auto wal = WalWriter::Open(fs_, dir_, scan->end);
    ASSERT_TRUE(wal.ok());
    for (const Status& s : AppendAll(**wal, {"after repair"})) ASSERT_TRUE(s.ok());
  }
  read.clear();
  auto again = Scan(read);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->damage.empty()) << again->damage;
  ASSERT_EQ(read.size(), payloads.size());
  EXPECT_EQ(read.back(), "after repair");
}

TEST_F(WalTest, RecoveryStopsAtACorruptFrameAndDropsLaterFiles) {
  {
    auto wal = WalWriter::Open(fs_, dir_, {}, WalOptions{.file_bytes = 256});
    ASSERT_TRUE(wal.ok());
    AppendEach(**wal, Payloads(100, "bits "));
  }
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir_)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 3u);
  {  // one flipped payload byte in the second file's first frame
    std::fstream f(files[1], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(kFrameHeaderBytes + 2);
    f.put('#');
  }
  std::vector<std::string> read;
  auto scan = Scan(read);
  ASSERT_TRUE(scan.ok());
  EXPECT_NE(scan->damage.find("checksum mismatch"), std::string::npos) << scan->damage;
  EXPECT_EQ(scan->damaged_file, files[1].filename().string());
  ASSERT_TRUE(RepairWal(fs_, dir_, *scan).ok());
  size_t left = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++left;
  EXPECT_EQ(left, 1u) << "the damaged file (from its first frame) and every later one go";
  std::vector<std::string> after;
  auto clean = Scan(after);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->damage.empty());
  EXPECT_EQ(after, read);
}

TEST_F(WalTest, AFailedFsyncFailsEveryWaitingAndLaterAppend) {
  auto wal = WalWriter::Open(fs_, dir_, {});
  ASSERT_TRUE(wal.ok());
  for (const Status& s : AppendAll(**wal, {"durable"})) ASSERT_TRUE(s.ok());
  fs_.failing_syncs = 1;
  for (const Status& s : AppendAll(**wal, {"lost 1", "lost 2"})) EXPECT_FALSE(s.ok());
  // The page cache may have dropped the data: the log is not trusted again.
  for (const Status& s : AppendAll(**wal, {"after"})) EXPECT_FALSE(s.ok());
  EXPECT_GE((*wal)->stats().failures, 3u);
}

TEST_F(WalTest, AShortWriteIsAFailureAndRecoveryIgnoresItsBytes) {
  {
    auto wal = WalWriter::Open(fs_, dir_, {});
    ASSERT_TRUE(wal.ok());
    for (const Status& s : AppendAll(**wal, {"one", "two"})) ASSERT_TRUE(s.ok());
    fs_.write_budget = 5;  // the next write stops after 5 bytes
    for (const Status& s : AppendAll(**wal, {"three is never acknowledged"})) EXPECT_FALSE(s.ok());
  }
  std::vector<std::string> read;
  auto scan = Scan(read);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(read, (std::vector<std::string>{"one", "two"}));
  EXPECT_NE(scan->damage.find("torn frame header"), std::string::npos) << scan->damage;
}

TEST_F(WalTest, CheckpointRoundTripsAndRejectsGarbage) {
  fs::create_directories(dir_);
  auto none = LoadCheckpoint(fs_, dir_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Checkpoint saved{WalPosition{12345}, 77, WalPosition{12000}};
  ASSERT_TRUE(SaveCheckpoint(fs_, dir_, saved).ok());
  auto loaded = LoadCheckpoint(fs_, dir_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->wal, saved.wal);
  EXPECT_EQ((*loaded)->epoch, 77u);
  EXPECT_EQ((*loaded)->state, WalPosition{12000});
  ASSERT_TRUE(SaveCheckpoint(fs_, dir_, Checkpoint{WalPosition{9}, 1, std::nullopt}).ok());
  loaded = LoadCheckpoint(fs_, dir_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_FALSE((*loaded)->state) << "a checkpoint without state stays one";
  std::ofstream(dir_ / "CHECKPOINT") << "civicflow checkpoint 1\nwal 10\nstate 11\n";
  auto ahead = LoadCheckpoint(fs_, dir_);
  ASSERT_FALSE(ahead.ok());
  EXPECT_NE(ahead.status().message().find("state after"), std::string::npos) << ahead.status().message();
  std::ofstream(dir_ / "CHECKPOINT") << "civicflow checkpoint 1\nwal twelve\n";
  auto bad = LoadCheckpoint(fs_, dir_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad wal line"), std::string::npos);
}

TEST_F(WalTest, StateFilesRoundTripAndEveryDamageIsNamed) {
  SavedState saved{"adapters", {"shard zero", std::string(100'000, 's'), ""}};
  const std::string name = StateFileName(WalPosition{77});
  EXPECT_EQ(name, "00000000000000000077.state");
  ASSERT_TRUE(SaveStateFile(fs_, dir_, WalPosition{77}, saved).ok());
  auto loaded = LoadStateFile(fs_, dir_, WalPosition{77});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->adapters, saved.adapters);
  EXPECT_EQ(loaded->shards, saved.shards);

  const fs::path path = dir_ / "state" / name;
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto load_bytes = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return LoadStateFile(fs_, dir_, WalPosition{77});
  };
  for (size_t cut : {size_t{0}, size_t{10}, size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    auto torn = load_bytes(bytes.substr(0, cut));
    ASSERT_FALSE(torn.ok()) << "cut at " << cut;
    EXPECT_NE(torn.status().message().find("damaged"), std::string::npos) << torn.status().message();
  }
  std::string flipped = bytes;
  flipped[bytes.size() - 50'000] ^= 0x20;
  auto corrupt = load_bytes(flipped);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("checksum"), std::string::npos) << corrupt.status().message();
  std::string other_format = bytes;
  other_format[16] = 99;
  auto newer = load_bytes(other_format);
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.status().message().find("state format 99"), std::string::npos) << newer.status().message();
  EXPECT_FALSE(LoadStateFile(fs_, dir_, WalPosition{78}).ok());

  ASSERT_TRUE(SaveStateFile(fs_, dir_, WalPosition{99}, saved).ok());
  ASSERT_TRUE(SaveStateFile(fs_, dir_, WalPosition{120}, saved).ok());
  std::ofstream(dir_ / "state" / "notes.txt") << "not a state file";
  auto listed = ListStateFiles(fs_, dir_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<WalPosition>{{120}, {99}, {77}})) << "newest first";
  const WalPosition keep[] = {WalPosition{120}, WalPosition{99}};
  ASSERT_TRUE(RemoveStateFilesExcept(fs_, dir_, keep).ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::exists(dir_ / "state" / StateFileName(WalPosition{99})));
  EXPECT_TRUE(fs::exists(dir_ / "state" / StateFileName(WalPosition{120})));
  EXPECT_TRUE(ListStateFiles(fs_, dir_ / "nowhere")->empty());
}

TEST_F(WalTest, FilesACheckpointCoversAreDroppedAndNotReadAgain) {
  const std::vector<std::string> payloads = Payloads(300, "frame ");
  std::vector<WalPosition> positions;
  {
    auto wal = WalWriter::Open(fs_, dir_, {}, WalOptions{.file_bytes = 4096});
    ASSERT_TRUE(wal.ok());
    for (const std::string& p : payloads) {
      std::promise<WalPosition> end;
      (*wal)->Append(FrameType::kUpload, p, [&](const Status&, WalPosition at) { end.set_value(at); });
      positions.push_back(end.get_future().get());
    }
  }
  const WalPosition checkpoint = positions[199];  // just past frame 199
  const auto files = [&] {
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  const std::vector<std::string> before = files();
  ASSERT_TRUE(DropWalBefore(fs_, dir_, checkpoint, std::chrono::hours(1)).ok());
  EXPECT_EQ(files(), before) << "files younger than the retention stay";
  ASSERT_TRUE(DropWalBefore(fs_, dir_, checkpoint, std::chrono::seconds(0)).ok());
  const std::vector<std::string> after = files();
  ASSERT_LT(after.size(), before.size());
  ASSERT_GE(after.front(), before.front());
  EXPECT_LE(std::stoull(after.front()), checkpoint.bytes) << "the file holding the checkpoint stays";

  std::vector<std::string> read;
  auto scan = Scan(read, checkpoint);
  ASSERT_TRUE(scan.ok()) << scan.status().message();
  EXPECT_TRUE(scan->damage.empty()) << scan->damage;
  EXPECT_EQ(scan->begin.bytes, std::stoull(after.front()));
  EXPECT_EQ(read, std::vector<std::string>(payloads.begin() + 200, payloads.end()));
  EXPECT_EQ(scan->frames, 100u);
  EXPECT_EQ(scan->end, positions.back());
}

}  // namespace
}  // namespace civicflow::storage
