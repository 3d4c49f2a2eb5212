// `civicflow serve`, the real binary over real loopback HTTP: a generated
// archive with every fault is uploaded exactly as the management systems
// would (each platform's client: login, signing, encryption), the server is
// stopped with SIGTERM, and its tables must equal those of `civicflow replay`
// of the same archive. Every upload the server acknowledged is in them once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "engine/cli/replay.h"
#include "ingest/http/accounts.h"
#include "operators/tables.h"
#include "tests/support/table_compare.h"
#include "tools/datagen/generator.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/demo_accounts.h"
#include "tools/loadgen/http_transport.h"

extern char** environ;

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A child process whose stdout the test reads line by line.
class ServeProcess {
 public:
  // Starts `civicflow serve` on a free port; fails the test unless it listens.
  ServeProcess(const fs::path& data_dir, const std::string& accounts) {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string binary = CIVICFLOW_BINARY_DIR "/civicflow";
    const std::string dir = data_dir.string();
    std::vector<const char*> argv = {
        binary.c_str(),   "serve",    "--listen", "127.0.0.1:0",  "--data-dir", dir.c_str(), "--accounts",
        accounts.c_str(), "--shards", "2",        "--io-threads", "2",          nullptr};
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, const_cast<char**>(argv.data()), environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[256];
    while (std::fgets(line, sizeof line, stdout_)) {
      const std::string_view text = line;
      if (const size_t at = text.find("listening on 127.0.0.1:"); at != std::string_view::npos) {
        port_ = static_cast<uint16_t>(std::stoi(std::string(text.substr(at + 23))));
        break;
      }
    }
    EXPECT_NE(port_, 0) << "civicflow serve did not start";
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_) std::fclose(stdout_);
  }
  uint16_t port() const { return port_; }
  // SIGTERM, then the exit status: -1 unless it exited normally within a minute.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int waited_ms = 0; waitpid(pid_, &status, WNOHANG) == 0; waited_ms += 10) {
      if (waited_ms > 60'000) return -1;  // the destructor kills it
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  std::FILE* stdout_ = nullptr;
  uint16_t port_ = 0;
};

std::unique_ptr<loadgen::PlatformClient> ClientFor(ingest::Platform platform,
                                                   const ingest::http::Accounts& a) {
  switch (platform) {
    case ingest::Platform::kFitness:
      return loadgen::MakeFitnessClient(a.fitness.at(0));
    case ingest::Platform::kParking:
      return loadgen::MakeParkingClient(a.parking.at(0), std::string(loadgen::kDefaultParkingPassword));
    case ingest::Platform::kCommunity:
      return loadgen::MakeCommunityClient(a.community.at(0));
    case ingest::Platform::kTicketing:
      return loadgen::MakeTicketingClient(a.ticketing.at(0));
    case ingest::Platform::kOrienteering:
      return loadgen::MakeOrienteeringClient(a.orienteering.at(0));
  }
  return nullptr;
}

TEST(ServeTest, UploadsOverHttpGiveTheTablesOfAReplay) {
  const fs::path dir = fs::temp_directory_path() / ("civicflow-serve-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  datagen::GeneratorOptions generate;
  generate.out_path = (dir / "archive.ndjson").string();
  generate.records = 20'000;
  generate.seed = 7;
  generate.duplicate_rate = 0.02;
  generate.correction_rate = 0.01;
  generate.late_rate = 0.01;
  generate.invalid_rate = 0.01;
  ASSERT_TRUE(datagen::Generate(generate).ok());
  loadgen::DemoAccountsOptions demo;
  demo.dir = (dir / "accounts").string();
  demo.per_platform = 1;
  auto accounts_file = loadgen::WriteDemoAccounts(demo);
  ASSERT_TRUE(accounts_file.ok()) << accounts_file.status().message();
  auto accounts = ingest::http::Accounts::Load(*accounts_file);
  ASSERT_TRUE(accounts.ok()) << accounts.status().message();

  loadgen::ArchiveContents archive;
  ASSERT_TRUE(loadgen::ReadArchiveUploads(generate.out_path, 0, archive).ok());
  ASSERT_GT(archive.uploads.size(), 1000u);

  std::map<std::string, uint64_t> replies;  // by "platform code"
  {
    ServeProcess serve(dir / "serve", *accounts_file);
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    std::map<ingest::Platform, std::unique_ptr<loadgen::PlatformClient>> clients;
    for (const loadgen::ArchiveUpload& upload : archive.uploads) {
      auto& client = clients[upload.platform];
      if (!client) client = ClientFor(upload.platform, *accounts);
      std::string code;
      for (int attempt = 0; attempt < 2; ++attempt) {
        auto call = client->Upload(upload.interface, upload.ts_ms, upload.body, transport);
        ASSERT_TRUE(call.ok()) << upload.interface << ": " << call.status().message();
        auto answer = transport.RoundTrip(*call);
        ASSERT_TRUE(answer.ok()) << answer.status().message();
        code = client->ReplyCode(*answer);
        if (!client->TokenRejected(code)) break;
        client->ForgetToken();
      }
      ++replies[std::string(ingest::PlatformName(upload.platform)) + " " + code];
    }
    EXPECT_EQ(serve.Stop(), 0) << "SIGTERM must drain and exit 0";
  }
  for (const auto& [code, n] : replies)
    std::printf("[    serve] reply %s: %llu\n", code.c_str(), (unsigned long long)n);

  ReplayOptions replay;
  replay.data_dir = (dir / "replay").string();
  replay.files = {generate.out_path};
  replay.shards = 2;
  replay.threads = 2;
  ASSERT_TRUE(RunReplay(replay).ok());

  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<operators::Table>(t));
    testing::Loaded served = testing::LoadTable(dir / "serve", schema);
    testing::Loaded replayed = testing::LoadTable(dir / "replay", schema);
    // What has no time of its own is stamped with its request's time: the
    // archive's ts in a replay, the server's clock when served. Those cells
    // are left out: ticket inventory snapshots (compared per session) and
    // community device status reports.
    for (auto* rows : {&served.rows, &replayed.rows})
      for (testing::Row& row : *rows) {
        if (schema.name == "ticket_sessions") row[1].clear();
        if (schema.name == "site_status" && row[0] == "community") row[4].clear();
      }
    for (const std::string& p : served.problems) ADD_FAILURE() << p;
    if (schema.name == "site_status") {
      // Status transitions are decided at each shard's watermark, which moves
      // per request when served and per block in a replay: the same sites must
      // have a status; the transitions may differ (operators/README.md).
      for (auto* rows : {&served.rows, &replayed.rows}) {
        for (testing::Row& row : *rows) row.resize(3);
        std::sort(rows->begin(), rows->end());
        rows->erase(std::unique(rows->begin(), rows->end()), rows->end());
      }
    }
    const std::string difference =
        testing::CompareTable(schema, served.rows, replayed.rows, "serve", "replay");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
