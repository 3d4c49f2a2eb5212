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
#include "operators/tables.h"
#include "tests/support/http_uploads.h"
#include "tests/support/serve_process.h"
#include "tests/support/table_compare.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(ServeTest, UploadsOverHttpGiveTheTablesOfAReplay) {
  const fs::path dir = testing::FreshTestDir("serve");

  const datagen::GeneratorOptions generate = testing::FaultyArchive(dir, 20'000, 7);
  const testing::DemoUploads demo = testing::PrepareUploads(dir, generate);
  ASSERT_GT(demo.uploads.size(), 1000u);

  std::map<std::string, uint64_t> replies;  // by "platform code"
  {
    testing::ServeProcess serve(dir / "serve", demo.accounts_file);
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
    for (const loadgen::ArchiveUpload& upload : demo.uploads) {
      Result<std::string> code = testing::SendUpload(clients, transport, upload);
      ASSERT_TRUE(code.ok()) << code.status().message();
      ++replies[std::string(ingest::PlatformName(upload.platform)) + " " + *code];
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

  testing::ExpectTablesEqualReplay(dir / "serve", dir / "replay");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
