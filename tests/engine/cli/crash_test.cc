// Crash recovery of the real binary: a client uploads a generated archive
// over HTTP, retrying each upload until it gets a reply, while
// `civicflow serve` is killed with SIGKILL at random moments, ten times,
// and restarted on the same port and data dir each time. At the end every
// table equals a replay of the archive: nothing acknowledged was lost, and
// nothing that reached the WAL before a crash (acknowledged or not, then
// sent again) was counted twice, and every record of a deduplicated
// interface is in its raw table exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "engine/cli/replay.h"
#include "operators/raw_records.h"
#include "operators/tables.h"
#include "storage/checkpoint.h"
#include "storage/segments/segment_reader.h"
#include "storage/state_file.h"
#include "tests/support/http_uploads.h"
#include "tests/support/serve_process.h"
#include "tests/support/table_compare.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Every platform but orienteering, whose session book (launches, owners) is
// restored from the last state save, not from the WAL: launching uploads
// nothing, and uploads do not say which account sent them.
bool Crashable(ingest::Platform p) { return p != ingest::Platform::kOrienteering; }

// The generated archive's uploads of the crashable platforms, also written
// to `archive` for the replay the tables are compared with.
testing::DemoUploads CrashableUploads(const fs::path& dir, const datagen::GeneratorOptions& generate,
                                      const fs::path& archive) {
  testing::DemoUploads demo = testing::PrepareUploads(dir, generate);
  std::vector<loadgen::ArchiveUpload> kept;
  std::ofstream out(archive);
  for (loadgen::ArchiveUpload& u : demo.uploads) {
    if (!Crashable(u.platform)) continue;
    out << R"({"platform":")" << ingest::PlatformName(u.platform) << R"(","interface":")"
        << u.interface << R"(","ts":)" << u.ts_ms << R"(,"body":)" << u.body << "}\n";
    kept.push_back(std::move(u));
  }
  demo.uploads = std::move(kept);
  return demo;
}

// A one-day archive of a few sites: restarts and comparisons in seconds.
datagen::GeneratorOptions SmallArchive(const fs::path& dir, uint64_t records, uint64_t seed) {
  datagen::GeneratorOptions small = testing::FaultyArchive(dir, records, seed);
  small.days = 1;
  small.lots = 4, small.venues = 3, small.communities = 3, small.sessions = 2;
  return small;
}

// The data dir's CHECKPOINT (a failure and an empty one if there is none).
storage::Checkpoint CheckpointOf(const fs::path& data) {
  auto checkpoint = storage::LoadCheckpoint(storage::FileSystem::Posix(), data);
  EXPECT_TRUE(checkpoint.ok() && checkpoint->has_value()) << "no checkpoint in " << data;
  return checkpoint.ok() && checkpoint->has_value() ? **checkpoint : storage::Checkpoint{};
}

// Sends uploads[begin, end), each until the server answers.
void SendAll(const testing::DemoUploads& demo, uint16_t port, size_t begin, size_t end) {
  loadgen::HttpTransport transport({"127.0.0.1", port});
  loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
  for (size_t i = begin; i < end; ++i)
    while (!testing::SendUpload(clients, transport, demo.uploads[i]).ok()) std::this_thread::sleep_for(20ms);
}

// Every table of the served data dir equals a replay of `archive`; the raw
// tables of deduplicated interfaces row for row (exactly once).
void ExpectTablesEqualAReplay(const fs::path& dir, const fs::path& data, const fs::path& archive) {
  ReplayOptions replay;
  replay.data_dir = (dir / "replay").string();
  replay.files = {archive.string()};
  replay.shards = 2;
  replay.threads = 2;
  ASSERT_TRUE(RunReplay(replay).ok());
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<operators::Table>(t));
    testing::Loaded served = testing::LoadTable(data, schema);
    testing::Loaded replayed = testing::LoadTable(dir / "replay", schema);
    for (const std::string& p : served.problems) ADD_FAILURE() << p;
    if (schema.name == "site_status") continue;  // heartbeats: decided by the server's clock, not the archive
    // Ticket inventory snapshots are stamped with their request's time: the
    // server's clock when served, the archive's in a replay (as serve_test).
    if (schema.name == "ticket_sessions")
      for (auto* rows : {&served.rows, &replayed.rows})
        for (testing::Row& row : *rows) row[1].clear();
    const std::string difference =
        testing::CompareTable(schema, served.rows, replayed.rows, "serve", "replay");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
  // Raw tables: every record of a deduplicated interface exactly once. The
  // request time is the server's clock when served, the archive's in a replay.
  for (const ingest::InterfaceSpec* spec : ingest::Registry::Get().All()) {
    if (!Crashable(spec->platform) || spec->dedup_key[0].empty()) continue;
    // Community device status is keyed by its request's time, which is the
    // server's clock (the envelope has none): an upload sent again after a
    // crash is a new report.
    const auto& key = spec->dedup_key;
    if (spec->platform == ingest::Platform::kCommunity &&
        std::find(key.begin(), key.end(), ingest::kEnvelopeTs) != key.end())
      continue;
    const operators::RawTable& raw = operators::RawTableOf(ingest::Registry::Get().IdOf(*spec));
    std::vector<std::string_view> names;
    for (const auto& column : raw.columns) names.push_back(column.name);
    auto rows = [&](const fs::path& data_dir) {
      auto read = storage::ReadTableRows(data_dir, raw.name, names);
      EXPECT_TRUE(read.ok()) << read.status().message();
      std::vector<storage::TextRow> out = read.ok() ? *read : std::vector<storage::TextRow>{};
      for (storage::TextRow& row : out) row[names.size() - 2].clear();  // request_time
      std::sort(out.begin(), out.end());
      return out;
    };
    const std::vector<storage::TextRow> served = rows(data), replayed = rows(dir / "replay");
    std::vector<storage::TextRow> only_served, only_replayed;
    std::set_difference(served.begin(), served.end(), replayed.begin(), replayed.end(),
                        std::back_inserter(only_served));
    std::set_difference(replayed.begin(), replayed.end(), served.begin(), served.end(),
                        std::back_inserter(only_replayed));
    auto listed = [](const std::vector<storage::TextRow>& rows) {
      std::string out;
      for (size_t i = 0; i < rows.size() && i < 10; ++i) out += "\n  " + testing::Join(rows[i]);
      return out;
    };
    EXPECT_TRUE(only_served.empty() && only_replayed.empty())
        << raw.name << ": " << only_served.size() << " rows only served:" << listed(only_served) << "\n"
        << only_replayed.size() << " only replayed:" << listed(only_replayed);
  }
}

TEST(CrashTest, KilledTenTimesTheTablesStillEqualAReplay) {
  const fs::path dir = testing::FreshTestDir("crash");

  const fs::path archive = dir / "archive.ndjson";
  testing::DemoUploads demo = CrashableUploads(dir, testing::FaultyArchive(dir, 20'000, 11), archive);
  const std::vector<loadgen::ArchiveUpload>& uploads = demo.uploads;
  ASSERT_GT(uploads.size(), 1000u);

  const fs::path data = dir / "serve";
  // Frequent checkpoints, state at every eighth or so (a restart replays muted from the state to the
  // checkpoint), small WAL files dropped as soon as state covers them.
  const std::vector<std::string> frequent_checkpoints = {
      "--checkpoint-interval", "50", "--state-interval",      "400",
      "--wal-file-mb",         "1",  "--wal-retention-hours", "0"};
  auto serve =
      std::make_unique<testing::ServeProcess>(data, demo.accounts_file, "127.0.0.1:0", frequent_checkpoints);
  ASSERT_NE(serve->port(), 0);
  const std::string listen = "127.0.0.1:" + std::to_string(serve->port());

  std::atomic<size_t> sent{0};
  std::atomic<uint64_t> retries{0};
  std::thread uploader([&] {
    loadgen::HttpTransport transport({"127.0.0.1", serve->port()});
    loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
    for (const loadgen::ArchiveUpload& upload : uploads) {
      // Until the server answers: a crash mid-request leaves the upload's fate unknown.
      while (!testing::SendUpload(clients, transport, upload).ok()) {
        ++retries;
        std::this_thread::sleep_for(20ms);
      }
      ++sent;
    }
  });

  std::mt19937 random(20261122);
  int kills = 0, from_state = 0;
  for (; kills < 10 && sent < uploads.size(); ++kills) {
    // Kill points spread over the run: 20..320 ms apart.
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 300));
    serve->Kill();
    serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, listen, frequent_checkpoints);
    ASSERT_NE(serve->port(), 0) << "restart " << kills + 1;
    EXPECT_NE(serve->startup_output().find("recovered"), std::string::npos) << serve->startup_output();
    from_state += serve->startup_output().find("recovered: state 0") != std::string::npos;
  }
  uploader.join();
  EXPECT_EQ(kills, 10) << "the uploads finished before ten crashes: make the archive larger";
  EXPECT_EQ(serve->Stop(), 0);
  std::printf("[    crash] %d kills, %d restarts from a state file, %zu uploads, %llu resent after a crash\n",
              kills, from_state, uploads.size(), static_cast<unsigned long long>(retries.load()));
  EXPECT_GE(from_state, kills - 1) << "every restart after the first checkpoint loads its state";
  std::vector<std::string> wal_files;
  for (const auto& entry : fs::directory_iterator(data / "wal")) wal_files.push_back(entry.path().filename());
  ASSERT_FALSE(wal_files.empty());
  EXPECT_NE(*std::min_element(wal_files.begin(), wal_files.end()), "00000000000000000000.wal")
      << "checkpoints drop the WAL files they cover";

  ExpectTablesEqualAReplay(dir, data, archive);
  fs::remove_all(dir);
}

// A restart whose checkpoint is later than its state: the log from the state
// to the checkpoint is replayed muted (its rows are published already), the
// rest live. Deterministic: state only where a restart saves it, checkpoints
// every 50 ms of uploads.
TEST(CrashTest, KilledAfterCheckpointsWithoutStateTheLogUpToThemIsReplayedMuted) {
  const fs::path dir = testing::FreshTestDir("crash-muted");
  const fs::path archive = dir / "archive.ndjson";
  const testing::DemoUploads demo = CrashableUploads(dir, testing::FaultyArchive(dir, 20'000, 12), archive);
  const size_t n = demo.uploads.size();
  ASSERT_GT(n, 1000u);
  const fs::path data = dir / "serve";
  const std::vector<std::string> args = {"--checkpoint-interval", "50", "--state-interval", "3600000"};

  auto serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, "127.0.0.1:0", args);
  const std::string listen = "127.0.0.1:" + std::to_string(serve->port());
  SendAll(demo, serve->port(), 0, n / 3);
  serve->Kill();  // (a clean stop would flush every window, which a plain replay does not)

  // The restart replays the log and saves state at its end.
  serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, listen, args);
  EXPECT_NE(serve->startup_output().find("recovered: state none"), std::string::npos)
      << serve->startup_output();
  SendAll(demo, serve->port(), n / 3, 2 * n / 3);
  // Checkpoints (every 50 ms of uploads) have passed the state the restart saved: crash.
  const storage::Checkpoint checkpoint = CheckpointOf(data);
  ASSERT_TRUE(checkpoint.state.has_value());
  ASSERT_GT(checkpoint.wal, *checkpoint.state) << "no checkpoint after the state";
  serve->Kill();

  serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, listen, args);
  const std::string& started = serve->startup_output();
  EXPECT_NE(started.find("recovered: state 0"), std::string::npos) << started;
  EXPECT_EQ(started.find("(0 before the checkpoint)"), std::string::npos)
      << "the replay was not muted: " << started;
  SendAll(demo, serve->port(), 2 * n / 3, n);
  EXPECT_EQ(serve->Stop(), 0);
  ExpectTablesEqualAReplay(dir, data, archive);
  fs::remove_all(dir);
}

// A damaged state file is passed over for the one saved before it, which
// is kept, with the log after it, for this.
TEST(CrashTest, KilledWithItsNewestStateDamagedTheRestartRecoversFromTheStateBefore) {
  const fs::path dir = testing::FreshTestDir("crash-damaged-state");
  const fs::path archive = dir / "archive.ndjson";
  const testing::DemoUploads demo = CrashableUploads(dir, SmallArchive(dir, 2'000, 7), archive);
  const size_t n = demo.uploads.size();
  const fs::path data = dir / "serve";
  const std::vector<std::string> args = {"--checkpoint-interval", "20", "--state-interval", "50",
                                         "--wal-retention-hours", "0"};

  auto serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, "127.0.0.1:0", args);
  const std::string listen = "127.0.0.1:" + std::to_string(serve->port());
  SendAll(demo, serve->port(), 0, n / 2);
  serve->Kill();
  const std::optional<storage::WalPosition> state = CheckpointOf(data).state;
  ASSERT_TRUE(state.has_value());
  const storage::WalPosition named = *state;
  auto states = storage::ListStateFiles(storage::FileSystem::Posix(), data);
  ASSERT_TRUE(states.ok());
  const auto before = std::find_if(states->begin(), states->end(), [&](auto at) { return at < named; });
  ASSERT_NE(before, states->end()) << "the state before the checkpoint's is kept";
  const fs::path damaged = data / "state" / storage::StateFileName(named);
  std::string bytes;
  {
    std::ifstream file(damaged, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(file), {});
  }
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x01;
  std::ofstream(damaged, std::ios::binary | std::ios::trunc) << bytes;

  serve = std::make_unique<testing::ServeProcess>(data, demo.accounts_file, listen, args);
  ASSERT_NE(serve->port(), 0) << "no restart with the checkpoint's state damaged";
  const std::string& started = serve->startup_output();
  EXPECT_NE(started.find("is damaged"), std::string::npos) << started;
  EXPECT_NE(started.find("recovered: state " + storage::StateFileName(*before)), std::string::npos)
      << started;
  SendAll(demo, serve->port(), n / 2, n);
  EXPECT_EQ(serve->Stop(), 0);
  ExpectTablesEqualAReplay(dir, data, archive);
  fs::remove_all(dir);
}

// Without a crash too. The archive ends with a lot resending its first
// parkSpaceInfo upload after the communities' device reports, which `serve`
// stamps with its own clock, days after the archive's: the resend is a
// duplicate in both (it used to count again when served: the reports' time
// moved the shard's watermark and the dedup horizon forgot the lot's keys).
TEST(CrashTest, UninterruptedTheTablesEqualAReplayAndAResendPastDeviceReportsIsADuplicate) {
  const fs::path dir = testing::FreshTestDir("no-crash");
  const fs::path archive = dir / "archive.ndjson";
  testing::DemoUploads demo = CrashableUploads(dir, SmallArchive(dir, 1'500, 12), archive);
  auto is = [](const loadgen::ArchiveUpload& u, std::string_view interface) {
    return u.interface == interface;
  };
  const auto first_list = std::find_if(demo.uploads.begin(), demo.uploads.end(),
                                       [&](const auto& u) { return is(u, "parkSpaceInfo"); });
  const auto first_report = std::find_if(demo.uploads.begin(), demo.uploads.end(),
                                         [&](const auto& u) { return is(u, "stk/sbzt"); });
  ASSERT_TRUE(first_list < first_report && first_report != demo.uploads.end());
  const loadgen::ArchiveUpload resent = *first_list;
  demo.uploads.push_back(resent);
  std::ofstream(archive, std::ios::app) << R"({"platform":"parking","interface":"parkSpaceInfo","ts":)"
                                        << resent.ts_ms << R"(,"body":)" << resent.body << "}\n";

  const fs::path data = dir / "serve";
  testing::ServeProcess serve(data, demo.accounts_file, "127.0.0.1:0", {});
  ASSERT_NE(serve.port(), 0);
  SendAll(demo, serve.port(), 0, demo.uploads.size());
  EXPECT_EQ(serve.Stop(), 0);
  ExpectTablesEqualAReplay(dir, data, archive);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
