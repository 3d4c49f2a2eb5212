// PgSink and PgFollower against a real PostgreSQL: the `postgres` CTest
// fixture (scripts/postgres.sh) starts a throwaway cluster and passes its
// directory in CIVICFLOW_PG_DIR; each test works in a database of its own.
#include "storage/pg/pg_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "operators/tables.h"
#include "storage/pg/pg_follower.h"
#include "tests/support/pg_cluster.h"

namespace civicflow::storage {
namespace {

using operators::Table;
using namespace std::chrono_literals;

constexpr size_t Index(Table table) { return static_cast<size_t>(table); }

// The real output tables of operators/tables.cc, as the sink sees them.
std::vector<TableLayout> OutputLayouts() {
  std::vector<TableLayout> layouts;
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<Table>(t));
    layouts.push_back(schema);
  }
  return layouts;
}

int RunScript(const std::string& command) { return testing::PgCluster(command); }

TableRows Rows(Table table, std::vector<std::string> cells) { return {Index(table), std::move(cells)}; }

class PgSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::FreshPgDatabase();
    ASSERT_FALSE(url_.empty());
  }

  PgSink Connect() {
    Result<PgSink> sink = PgSink::Connect(url_, layouts_);
    EXPECT_TRUE(sink.ok()) << (sink.ok() ? "" : sink.status().message());
    return std::move(*sink);
  }

  // The first column of every row of `sql`, "NULL" for a null, rows joined by '|'.
  std::string Query(const std::string& sql) {
    pqxx::connection connection(url_);
    pqxx::work tx(connection);
    std::string out;
    for (const auto& row : tx.exec(sql)) {
      if (!out.empty()) out += '|';
      out += row[0].is_null() ? "NULL" : row[0].as<std::string>();
    }
    return out;
  }

  std::string url_;
  std::vector<TableLayout> layouts_ = OutputLayouts();
};

TEST_F(PgSinkTest, SchemaIsCreatedThenMigratedAgainIdempotently) {
  {
    PgSink first = Connect();
    EXPECT_EQ(first.applied_position(), 0u);
    EXPECT_EQ(first.table_count(), operators::kTableCount);
  }
  PgSink second = Connect();
  EXPECT_EQ(Query("SELECT version FROM civicflow_schema_version ORDER BY version"), "1|2");
  EXPECT_EQ(Query("SELECT applied_position FROM civicflow_progress"), "0");
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const std::string name(operators::Schema(static_cast<Table>(t)).name);
    EXPECT_EQ(Query("SELECT count(*) FROM " + name), "0") << name;
  }
  auto type_of = [&](std::string table, std::string column) {
    return Query("SELECT data_type FROM information_schema.columns WHERE table_name = '" + table +
                 "' AND column_name = '" + column + "'");
  };
  EXPECT_EQ(type_of("flow_hourly", "hour_start"), "timestamp without time zone");
  EXPECT_EQ(type_of("flow_hourly", "site_id"), "text");
  EXPECT_EQ(type_of("flow_hourly", "entries"), "bigint");
  EXPECT_EQ(type_of("energy_daily", "date"), "date");
  EXPECT_EQ(type_of("energy_daily", "consumption"), "numeric");
  EXPECT_EQ(type_of("parking_reconciliation", "list_time"), "timestamp without time zone");
  EXPECT_EQ(type_of("parking_reconciliation", "baseline"), "boolean");
  EXPECT_EQ(type_of("parking_problem_plates", "date"), "date");
  EXPECT_EQ(type_of("site_status", "since"), "timestamp without time zone");
  EXPECT_EQ(type_of("ticket_sessions", "revenue_fen"), "bigint");
  EXPECT_EQ(type_of("community_passages", "vehicle_unregistered"), "bigint");
  // The additive tables' keys are primary keys (what the upsert relies on).
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.table_constraints WHERE constraint_type = "
                  "'PRIMARY KEY' AND table_name IN ('flow_hourly', 'energy_hourly', 'energy_daily', "
                  "'ticket_sessions', 'community_passages', 'parking_reconciliation')"),
            "5");
}

TEST_F(PgSinkTest, ProcessesMigratingAtOnceAgree) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (size_t i = 0; i < ok.size(); ++i) {
    threads.emplace_back([&, i] { ok[i] = PgSink::Connect(url_, layouts_).ok(); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(std::count(ok.begin(), ok.end(), 1), 4);
  EXPECT_EQ(Query("SELECT version FROM civicflow_schema_version ORDER BY version"), "1|2");
  EXPECT_EQ(Query("SELECT count(*) FROM civicflow_progress"), "1");
}

TEST_F(PgSinkTest, AdditiveTablesSumPerKeyAcrossApplyCalls) {
  PgSink sink = Connect();
  const std::vector<TableRows> first = {
      Rows(Table::kFlowHourly,
           {"fitness", "V1", "2026-03-01 08:00:00", "gate_face", "3",    //
            "fitness", "V1", "2026-03-01 08:00:00", "gate_face", "2",    // same key, one batch
            "fitness", "V2", "2026-03-01 08:00:00", "gate_face", "7"}),  //
      Rows(Table::kEnergyDaily, {"city", "440300", "2026-03-01", "water", "356.75"}),
      Rows(Table::kFlowHourly, {"fitness", "V1", "2026-03-01 08:00:00", "gate_face", "1"}),  // a second batch
  };
  ASSERT_TRUE(sink.Apply(1, first).ok());
  const std::vector<TableRows> second = {
      Rows(Table::kFlowHourly, {"fitness", "V1", "2026-03-01 08:00:00", "gate_face", "-2",  // a retraction
                                "fitness", "V1", "2026-03-01 09:00:00", "gate_face", "4"}),
      Rows(Table::kEnergyDaily, {"city", "440300", "2026-03-01", "water", "0.25",  //
                                 "city", "440300", "2026-03-01", "gas", "1.5"}),
  };
  Status status = sink.Apply(2, second);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(sink.applied_position(), 2u);
  EXPECT_EQ(Query("SELECT site_id || ' ' || hour_start || ' ' || entries FROM flow_hourly ORDER BY 1"),
            "V1 2026-03-01 08:00:00 4|V1 2026-03-01 09:00:00 4|V2 2026-03-01 08:00:00 7");
  EXPECT_EQ(Query("SELECT kind || ' ' || (consumption = 357) FROM energy_daily WHERE kind = 'water'"),
            "water true");
  EXPECT_EQ(Query("SELECT consumption FROM energy_daily WHERE kind = 'gas'"), "1.5");
  EXPECT_EQ(Query("SELECT applied_position FROM civicflow_progress"), "2");
}

TEST_F(PgSinkTest, NonAdditiveTableKeepsEveryRow) {
  PgSink sink = Connect();
  const std::vector<std::string> baseline = {"P1", "2026-03-01 08:00:00", "5", "5", "0", "0", "", "", "true"};
  std::vector<std::string> cells = baseline;
  cells.insert(cells.end(), baseline.begin(), baseline.end());  // the same fact twice stays twice
  const std::vector<std::string> later = {"P1",   "2026-03-01 09:00:00", "6", "5", "2", "1", "40", "34",
                                          "false"};
  cells.insert(cells.end(), later.begin(), later.end());
  ASSERT_TRUE(sink.Apply(1, std::vector{Rows(Table::kParkingReconciliation, cells)}).ok());
  ASSERT_TRUE(sink.Apply(2, std::vector{Rows(Table::kParkingReconciliation, later)}).ok());
  EXPECT_EQ(
      Query("SELECT list_time || ' ' || listed || ' ' || COALESCE(reported_used::text, 'null') || ' ' || "
            "COALESCE(deviation::text, 'null') || ' ' || baseline FROM parking_reconciliation ORDER BY 1"),
      "2026-03-01 08:00:00 5 null null true|2026-03-01 08:00:00 5 null null true|"
      "2026-03-01 09:00:00 6 40 34 false|2026-03-01 09:00:00 6 40 34 false");
}

TEST_F(PgSinkTest, AnAppliedPositionIsSkipped) {
  PgSink sink = Connect();
  const std::vector<TableRows> batch = {
      Rows(Table::kFlowHourly, {"parking", "P1", "2026-03-01 08:00:00", "parking_enter", "10"})};
  ASSERT_TRUE(sink.Apply(5, batch).ok());
  ASSERT_TRUE(sink.Apply(5, batch).ok());  // a retry after a lost acknowledgement
  ASSERT_TRUE(sink.Apply(3, batch).ok());  // older still
  EXPECT_EQ(sink.applied_position(), 5u);
  EXPECT_EQ(Query("SELECT entries FROM flow_hourly"), "10");
  EXPECT_EQ(Query("SELECT applied_position FROM civicflow_progress"), "5");
  // Another process (a restarted one) reads the position from the database.
  PgSink restarted = Connect();
  EXPECT_EQ(restarted.applied_position(), 5u);
  ASSERT_TRUE(restarted.Apply(5, batch).ok());
  ASSERT_TRUE(restarted.Apply(6, batch).ok());
  EXPECT_EQ(Query("SELECT entries FROM flow_hourly"), "20");
  Result<uint64_t> read = sink.ReadAppliedPosition();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 6u);
  EXPECT_FALSE(sink.Apply(0, batch).ok());
}

TEST_F(PgSinkTest, ABatchWithABadCellFailsAsAWhole) {
  PgSink sink = Connect();
  const TableRows good =
      Rows(Table::kFlowHourly, {"parking", "P1", "2026-03-01 08:00:00", "parking_enter", "1"});
  ASSERT_TRUE(sink.Apply(1, std::vector{good}).ok());
  const std::vector<std::vector<TableRows>> bad_batches = {
      {good, Rows(Table::kEnergyDaily, {"city", "440300", "2026-03-01", "water", "twelve"})},
      {good, Rows(Table::kFlowHourly, {"parking", "P1", "2026-02-30 08:00:00", "parking_enter", "1"})},
      {good, Rows(Table::kFlowHourly, {"parking", "P1", "2026-03-01 08:00:00", "parking_enter", ""})},
      {good, Rows(Table::kParkingReconciliation,
                  {"P1", "2026-03-01 08:00:00", "5", "5", "0", "0", "", "", "maybe"})},
      {good, Rows(Table::kFlowHourly, {"parking", "P1", "2026-03-01 08:00:00"})},  // not a whole row
      {good, TableRows{99, {}}},                                                   // no such table
  };
  for (const auto& batches : bad_batches) {
    Status status = sink.Apply(2, batches);
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(sink.applied_position(), 1u);
  }
  EXPECT_EQ(Query("SELECT entries FROM flow_hourly"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM energy_daily") + Query("SELECT count(*) FROM parking_reconciliation"),
            "00");
  EXPECT_EQ(Query("SELECT applied_position FROM civicflow_progress"), "1");
  // The connection is still good for the next batch.
  Status status = sink.Apply(2, std::vector{good});
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Query("SELECT entries FROM flow_hourly"), "2");
}

TEST_F(PgSinkTest, TextCellsKeepTabsNewlinesAndBackslashes) {
  PgSink sink = Connect();
  const std::string odd = "a\tb\\c\nd\re 中文 \\N";
  ASSERT_TRUE(sink.Apply(1, std::vector{Rows(Table::kFlowHourly,
                                             {"fitness", odd, "2026-03-01 08:00:00", "card_scan", "1"})})
                  .ok());
  EXPECT_EQ(Query("SELECT site_id FROM flow_hourly"), odd);
}

TEST_F(PgSinkTest, ALostSessionIsReopenedByALaterApply) {
  PgSink sink = Connect();
  const std::vector<TableRows> batch = {
      Rows(Table::kFlowHourly, {"parking", "P1", "2026-03-01 08:00:00", "parking_exit", "1"})};
  ASSERT_TRUE(sink.Apply(1, batch).ok());  // the session now has its staging tables
  Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
      "pg_backend_pid()");
  int failures = 0;
  uint64_t position = 2;
  while (position <= 3 && failures < 5) {
    if (sink.Apply(position, batch).ok()) {
      ++position;
    } else {
      ++failures;  // the first call after the loss may fail; never more than once
    }
  }
  EXPECT_LE(failures, 1);
  EXPECT_EQ(sink.applied_position(), 3u);
  EXPECT_EQ(Query("SELECT entries FROM flow_hourly"), "3");
}

TEST(PgSinkConnectTest, ReportsErrorsAsStatus) {
  const std::string_view columns[] = {"k", "note"};
  const std::string_view key[] = {"k"};
  const ColumnType types[] = {ColumnType::kText, ColumnType::kText};
  const TableLayout summed_text[] = {{"notes", columns, key, types}};
  Result<PgSink> bad_layout = PgSink::Connect("postgresql://civicflow@127.0.0.1:1/none", summed_text);
  ASSERT_FALSE(bad_layout.ok());
  EXPECT_NE(bad_layout.status().message().find("notes.note"), std::string::npos);
  const std::vector<TableLayout> layouts = OutputLayouts();
  Result<PgSink> refused =
      PgSink::Connect("postgresql://civicflow@127.0.0.1:1/none?connect_timeout=2", layouts);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("cannot connect"), std::string::npos);
}

// A source over an in-memory list of batches, appended to by the test (the caller).
class ListSource : public PgBatchSource {
 public:
  void Add(PositionedBatches batches) {
    std::lock_guard lock(mutex_);
    list_.push_back(std::move(batches));
  }
  std::optional<PositionedBatches> Next(uint64_t after_position) override {
    std::lock_guard lock(mutex_);
    for (const PositionedBatches& batches : list_) {
      if (batches.position > after_position) return batches;
    }
    return std::nullopt;
  }
  uint64_t LatestPosition() override {
    std::lock_guard lock(mutex_);
    return list_.empty() ? 0 : list_.back().position;
  }

 private:
  std::mutex mutex_;
  std::vector<PositionedBatches> list_;
};

template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST_F(PgSinkTest, FollowerFallsBehindWhilePostgresIsDownAndCatchesUp) {
  ListSource source;
  std::map<std::tuple<std::string, std::string>, int64_t> expected;  // (site, hour) -> entries
  auto batch_at = [&](uint64_t position) {
    PositionedBatches batches{position, {Rows(Table::kFlowHourly, {}), Rows(Table::kEnergyDaily, {})}};
    for (int r = 0; r < 4; ++r) {
      const std::string site = "S" + std::to_string((position + r) % 7);
      const std::string hour = "2026-03-01 " + std::string(position % 24 < 10 ? "0" : "") +
                               std::to_string(position % 24) + ":00:00";
      const int64_t entries = static_cast<int64_t>((position * 3 + r) % 5) - 1;  // some retractions
      for (const std::string& cell :
           {std::string("community"), site, hour, std::string("person_pass"), std::to_string(entries)}) {
        batches.batches[0].cells.push_back(cell);
      }
      expected[{site, hour}] += entries;
    }
    batches.batches[1].cells = {"district", "440305", "2026-03-01", "electricity", "0.5"};
    source.Add(std::move(batches));
  };
  PgFollowerOptions options;
  options.initial_backoff = 20ms;
  options.max_backoff = 200ms;
  options.idle_poll = 20ms;
  PgFollower follower(Connect(), source, options);
  PgSink direct = Connect();

  for (uint64_t p = 1; p <= 20; ++p) batch_at(p), follower.Notify();
  ASSERT_TRUE(WaitFor([&] { return follower.applied_position() == 20; })) << follower.last_error();
  EXPECT_EQ(follower.failures(), 0u);

  // Whatever happens below, the next tests find the server running.
  struct Restart {
    ~Restart() { RunScript("start"); }
  } restart_at_exit;
  ASSERT_EQ(RunScript("stop"), 0);
  for (uint64_t p = 21; p <= 40; ++p) batch_at(p), follower.Notify();  // never blocks
  const std::vector<TableRows> probe = {
      Rows(Table::kFlowHourly, {"x", "y", "2026-03-01 00:00:00", "z", "1"})};
  Status down = direct.Apply(1000, probe);
  EXPECT_FALSE(down.ok());
  ASSERT_TRUE(WaitFor([&] { return follower.failures() >= 3; }));
  EXPECT_TRUE(follower.failing());
  EXPECT_FALSE(follower.last_error().empty());
  EXPECT_EQ(follower.applied_position(), 20u);
  EXPECT_EQ(follower.lag(), 20u);

  ASSERT_EQ(RunScript("start"), 0);
  for (uint64_t p = 41; p <= 60; ++p) batch_at(p), follower.Notify();
  ASSERT_TRUE(WaitFor([&] { return follower.applied_position() == 60; })) << follower.last_error();
  EXPECT_FALSE(follower.failing());
  EXPECT_EQ(follower.lag(), 0u);
  follower.Stop();

  // The direct sink reconnects on its own; an old position is still skipped.
  Status again = direct.Apply(30, probe);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(direct.applied_position(), 60u);

  std::string want;
  for (const auto& [key, entries] : expected) {
    if (!want.empty()) want += '|';
    want += std::get<0>(key) + " " + std::get<1>(key) + " " + std::to_string(entries);
  }
  EXPECT_EQ(Query("SELECT site_id || ' ' || hour_start || ' ' || entries FROM flow_hourly ORDER BY site_id, "
                  "hour_start"),
            want);
  EXPECT_EQ(Query("SELECT (consumption = 30)::text FROM energy_daily"), "true");  // 60 × 0.5
  EXPECT_EQ(Query("SELECT applied_position FROM civicflow_progress"), "60");
}

}  // namespace
}  // namespace civicflow::storage
