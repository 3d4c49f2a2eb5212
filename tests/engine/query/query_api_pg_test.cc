// The query API with `--pg` (the `postgres` fixture): a database filled by
// `replay --pg` answers every query of the contract with the same data as
// the segments of the same replay, and PostgreSQL going away and coming
// back costs only the queries asked meanwhile (500).
#include <gtest/gtest.h>

#include "tests/engine/query/query_api_support.h"
#include "tests/support/pg_cluster.h"

namespace civicflow::testing {
namespace {

TEST_F(QueryApiTest, PostgreSqlAnswersAsTheSegmentsDo) {
  const std::string url = FreshPgDatabase();
  ASSERT_FALSE(url.empty());
  // replay --pg fills the database and another data dir with the same tables.
  ReplayOptions replay;
  replay.data_dir = (dir_ / "data-pg").string();
  replay.files = {(dir_ / "archive.ndjson").string()};
  replay.pg_url = url;
  auto report = RunReplay(replay);
  ASSERT_TRUE(report.ok()) << report.status().message();
  const auto [lot, date] = ProblemLotAndDate();
  ASSERT_FALSE(lot.empty());

  // PostgreSQL first: a server without --pg would publish epochs no follower has manifests of.
  std::map<std::string, std::vector<std::string>> from_pg;
  {
    ServeProcess serve(dir_ / "data-pg", demo_->accounts_file, "127.0.0.1:0", {"--pg", url});
    ASSERT_NE(serve.port(), 0);
    QueryClient client(serve.port());
    for (const std::string& target : Targets(lot, date)) from_pg[target] = client.Data(target, "postgresql");
    client.ExpectError("/query/v1/tickets?by=day&from=2026-03-02&to=2026-03-01", 400, "from", "is after to");
    // PostgreSQL away: 500 and what failed; back: the kept connections are replaced.
    ASSERT_EQ(PgCluster("stop"), 0);
    client.ExpectError("/query/v1/flow?by=day", 500, "", "PostgreSQL");
    ASSERT_EQ(PgCluster("start"), 0);
    EXPECT_EQ(client.Data("/query/v1/flow?by=day", "postgresql"), from_pg["/query/v1/flow?by=day"]);
    EXPECT_EQ(serve.Stop(), 0);
  }
  ServeProcess serve(dir_ / "data-pg", demo_->accounts_file);
  ASSERT_NE(serve.port(), 0);
  QueryClient client(serve.port());
  for (const std::string& target : Targets(lot, date)) {
    EXPECT_EQ(from_pg[target], client.Data(target, "segments")) << target;
    EXPECT_TRUE(MayBeEmpty(target) || !from_pg[target].empty()) << target;
  }
  EXPECT_EQ(serve.Stop(), 0);
}
}  // namespace
}  // namespace civicflow::testing
