// `civicflow serve`, the real binary over real loopback HTTP: a generated
// archive with every fault is uploaded exactly as the management systems
// would (each platform's client: login, signing, encryption), the server is
// stopped with SIGTERM, and its tables must equal those of `civicflow replay`
// of the same archive. Every upload the server acknowledged is in them once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "engine/cli/replay.h"
#include "ingest/http/accounts.h"
#include "operators/tables.h"
#include "tests/support/serve_process.h"
#include "tests/support/table_compare.h"
#include "tools/datagen/generator.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/demo_accounts.h"
#include "tools/loadgen/http_transport.h"
#include "tools/loadgen/request_plan.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

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
    testing::ServeProcess serve(dir / "serve", *accounts_file);
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    loadgen::AccountClients clients(*accounts, std::string(loadgen::kDefaultParkingPassword));
    for (const loadgen::ArchiveUpload& upload : archive.uploads) {
      loadgen::PlatformClient* client = clients.For(upload.platform, 0);
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
