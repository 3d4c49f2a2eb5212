#pragma once
// What the tests of the real `civicflow serve` share: a generated archive
// with demo accounts, sending one upload as its platform's client does, and
// holding a served data dir's tables against a replay's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "ingest/http/accounts.h"
#include "operators/tables.h"
#include "tests/support/table_compare.h"
#include "tools/datagen/generator.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/demo_accounts.h"
#include "tools/loadgen/http_transport.h"
#include "tools/loadgen/request_plan.h"

namespace civicflow::testing {

// A fresh, empty directory under the system's temp dir, named for the test and the process.
inline std::filesystem::path FreshTestDir(std::string_view name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("civicflow-" + std::string(name) + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A generated archive at dir/archive.ndjson of `records` records, with the
// faults every platform sees: 2 % duplicates, 1 % corrections, late and invalid records.
inline datagen::GeneratorOptions FaultyArchive(const std::filesystem::path& dir, uint64_t records,
                                               uint64_t seed) {
  datagen::GeneratorOptions generate;
  generate.out_path = (dir / "archive.ndjson").string();
  generate.records = records;
  generate.seed = seed;
  generate.duplicate_rate = 0.02;
  generate.correction_rate = 0.01;
  generate.late_rate = 0.01;
  generate.invalid_rate = 0.01;
  return generate;
}

struct DemoUploads {
  std::string accounts_file;  // one account per platform
  ingest::http::Accounts accounts;
  std::vector<loadgen::ArchiveUpload> uploads;  // the archive's, in order
};

// Generates `generate` (its out_path inside `dir`) and demo accounts under
// dir/accounts. Failures are test failures (and an empty result).
inline DemoUploads PrepareUploads(const std::filesystem::path& dir,
                                  const datagen::GeneratorOptions& generate) {
  DemoUploads out;
  if (auto generated = datagen::Generate(generate); !generated.ok()) {
    ADD_FAILURE() << generated.status().message();
    return out;
  }
  loadgen::DemoAccountsOptions demo;
  demo.dir = (dir / "accounts").string();
  demo.per_platform = 1;
  auto accounts_file = loadgen::WriteDemoAccounts(demo);
  if (!accounts_file.ok()) {
    ADD_FAILURE() << accounts_file.status().message();
    return out;
  }
  auto accounts = ingest::http::Accounts::Load(*accounts_file);
  if (!accounts.ok()) {
    ADD_FAILURE() << accounts.status().message();
    return out;
  }
  loadgen::ArchiveContents archive;
  if (Status s = loadgen::ReadArchiveUploads(generate.out_path, 0, archive); !s.ok())
    ADD_FAILURE() << s.message();
  out.accounts_file = *accounts_file;
  out.accounts = std::move(*accounts);
  out.uploads = std::move(archive.uploads);
  return out;
}

// Sends `upload` as its platform's (first) account, logging in again once if
// the token is refused; the platform's reply code, or the transport's error.
inline Result<std::string> SendUpload(loadgen::AccountClients& clients, loadgen::HttpTransport& transport,
                                      const loadgen::ArchiveUpload& upload) {
  loadgen::PlatformClient* client = clients.For(upload.platform, 0);
  std::string code;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto call = client->Upload(upload.interface, upload.ts_ms, upload.body, transport);
    if (!call.ok()) return Status::Error(upload.interface + ": " + call.status().message());
    auto answer = transport.RoundTrip(*call);
    if (!answer.ok()) return answer.status();
    code = client->ReplyCode(*answer);
    if (!client->TokenRejected(code)) break;
    client->ForgetToken();
  }
  return code;
}

// Every aggregate table of a served data dir equals the replay's. Cells
// stamped with the request's time (the server's clock when served, the
// archive's in a replay) are left out: ticket inventory snapshots' hour and
// community device status times; site status transitions depend on when
// watermarks move, so only which sites have a status is compared.
inline void ExpectTablesEqualReplay(const std::filesystem::path& served_dir,
                                    const std::filesystem::path& replay_dir) {
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<operators::Table>(t));
    Loaded served = LoadTable(served_dir, schema);
    Loaded replayed = LoadTable(replay_dir, schema);
    for (const std::string& p : served.problems) ADD_FAILURE() << p;
    for (auto* rows : {&served.rows, &replayed.rows})
      for (Row& row : *rows) {
        if (schema.name == "ticket_sessions") row[1].clear();
        if (schema.name == "site_status" && row[0] == "community") row[4].clear();
      }
    if (schema.name == "site_status")
      for (auto* rows : {&served.rows, &replayed.rows}) {
        for (Row& row : *rows) row.resize(3);
        std::sort(rows->begin(), rows->end());
        rows->erase(std::unique(rows->begin(), rows->end()), rows->end());
      }
    const std::string difference = CompareTable(schema, served.rows, replayed.rows, "serve", "replay");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
}

}  // namespace civicflow::testing
