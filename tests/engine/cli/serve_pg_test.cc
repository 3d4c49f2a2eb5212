// `civicflow serve --pg URL` against a real PostgreSQL (the `postgres`
// fixture): uploads over HTTP while PostgreSQL is stopped mid-stream and
// started again. Ingest never waits for it, and at the end every table in
// PostgreSQL equals the data dir's segments — nothing lost, nothing applied
// twice, also across a restart of civicflow. `replay --pg` fills another
// database with the same tables.
#include <gtest/gtest.h>

#include <filesystem>
#include <pqxx/pqxx>

#include "engine/cli/replay.h"
#include "operators/tables.h"
#include "tests/support/http_uploads.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/serve_process.h"
#include "tests/support/table_compare.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;

// A table as PostgreSQL holds it, cells as our segments write them.
std::vector<testing::Row> PgTable(const std::string& url, const operators::TableSchema& schema) {
  std::string select;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const std::string column(schema.columns[c]);
    std::string cell = column + "::text";
    if (schema.types[c] == storage::ColumnType::kTimestamp)
      cell = "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS')";
    if (schema.types[c] == storage::ColumnType::kDecimal) cell = "trim_scale(" + column + ")::text";
    select += (select.empty() ? "" : ", ") + ("coalesce(" + cell + ", '')");
  }
  pqxx::connection connection(url);
  pqxx::work tx(connection);
  std::vector<testing::Row> rows;
  for (const auto& r : tx.exec("SELECT " + select + " FROM " + std::string(schema.name))) {
    testing::Row& row = rows.emplace_back();
    for (const auto& field : r) row.push_back(field.as<std::string>());
  }
  return rows;
}

void ExpectPgEqualsSegments(const std::string& url, const fs::path& data_dir) {
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<operators::Table>(t));
    testing::Loaded segments = testing::LoadTable(data_dir, schema);
    for (const std::string& p : segments.problems) ADD_FAILURE() << p;
    const std::string difference =
        testing::CompareTable(schema, PgTable(url, schema), segments.rows, "PostgreSQL", "segments");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
}

TEST(ServePgTest, PostgreSqlFollowsTheSegmentsThroughItsOwnOutage) {
  const std::string url = testing::FreshPgDatabase();
  ASSERT_FALSE(url.empty());
  const fs::path dir = testing::FreshTestDir("serve-pg");
  datagen::GeneratorOptions generate;
  generate.out_path = (dir / "archive.ndjson").string();
  generate.records = 6'000;
  generate.seed = 13;
  generate.duplicate_rate = 0.02;
  generate.correction_rate = 0.01;
  const testing::DemoUploads demo = testing::PrepareUploads(dir, generate);
  ASSERT_FALSE(demo.uploads.empty());

  const fs::path data = dir / "serve";
  const std::vector<std::string> flags = {"--pg", url, "--checkpoint-interval", "300"};
  {
    testing::ServeProcess serve(data, demo.accounts_file, "127.0.0.1:0", flags);
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
    const size_t half = demo.uploads.size() / 2;
    for (size_t i = 0; i < demo.uploads.size(); ++i) {
      if (i == half) {
        ASSERT_EQ(testing::PgCluster("stop"), 0) << "PostgreSQL goes away mid-stream";
      }
      const Result<std::string> code = testing::SendUpload(clients, transport, demo.uploads[i]);
      ASSERT_TRUE(code.ok()) << "ingest must not depend on PostgreSQL: " << code.status().message();
    }
    ASSERT_EQ(testing::PgCluster("start"), 0);
    EXPECT_EQ(serve.Stop(), 0);
  }
  ExpectPgEqualsSegments(url, data);

  // A restart replays nothing into PostgreSQL twice.
  {
    testing::ServeProcess again(data, demo.accounts_file, "127.0.0.1:0", flags);
    ASSERT_NE(again.port(), 0);
    EXPECT_EQ(again.Stop(), 0);
  }
  ExpectPgEqualsSegments(url, data);

  // replay --pg: another database gets the replay's tables.
  pqxx::connection admin(url);
  pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS t_replay WITH (FORCE)");
  pqxx::nontransaction(admin).exec("CREATE DATABASE t_replay");
  const std::string replay_url = url.substr(0, url.rfind('/') + 1) + "t_replay";
  ReplayOptions replay;
  replay.data_dir = (dir / "replay").string();
  replay.files = {generate.out_path};
  replay.pg_url = replay_url;
  auto report = RunReplay(replay);
  ASSERT_TRUE(report.ok()) << report.status().message();
  ExpectPgEqualsSegments(replay_url, dir / "replay");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
