// The query API's endpoints (engine/query/queries.h) over tables held in
// memory: exact rows, sums, orders, and every parameter error.
#include "engine/query/queries.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/query/exact_decimal.h"

namespace civicflow::query {
namespace {

using operators::Table;
using RowList = std::vector<TextRow>;

// Output tables as full rows in their schema's column order, and raw tables
// with their own columns: the input of the queries, not a stand-in for them.
class MemoryTables final : public TableSource {
 public:
  std::map<Table, RowList> tables;
  std::map<std::string, std::pair<std::vector<std::string>, RowList>> raw;
  std::string failure;  // non-empty: every read fails with it
  int raw_reads = 0;

  std::string_view name() const override { return "memory"; }
  Result<RowList> Rows(Table table, std::span<const std::string_view> columns,
                       const DateRange& dates) override {
    if (!failure.empty()) return Status::Error(failure);
    const operators::TableSchema& schema = operators::Schema(table);
    RowList out;
    for (const TextRow& full : tables[table]) {
      if (!dates.Contains(full[schema.PartitionColumn()].substr(0, 10))) continue;
      TextRow& row = out.emplace_back();
      for (std::string_view column : columns)
        row.push_back(
            full[std::find(schema.columns.begin(), schema.columns.end(), column) - schema.columns.begin()]);
    }
    return out;
  }
  Result<RowList> RawRows(std::string_view prefix, std::span<const std::string_view> columns) override {
    ++raw_reads;
    if (!failure.empty()) return Status::Error(failure);
    RowList out;
    for (const auto& [name, table] : raw) {
      if (!name.starts_with(prefix)) continue;
      std::vector<size_t> picked;
      for (std::string_view column : columns) {
        const auto at = std::find(table.first.begin(), table.first.end(), column);
        if (at != table.first.end()) picked.push_back(static_cast<size_t>(at - table.first.begin()));
      }
      if (picked.size() != columns.size()) continue;
      for (const TextRow& full : table.second) {
        TextRow& row = out.emplace_back();
        for (size_t c : picked) row.push_back(full[c]);
      }
    }
    return out;
  }
};

class QueriesTest : public ::testing::Test {
 protected:
  QueryAnswer Run(std::string_view endpoint, std::string_view query) {
    return RunQuery(endpoint, query, QueryInputs{tables, sites, [this] { return ingest; }});
  }
  std::vector<std::string> Data(std::string_view endpoint, std::string_view query) {
    QueryAnswer answer = Run(endpoint, query);
    EXPECT_FALSE(answer.error) << endpoint << "?" << query << ": " << answer.error->message;
    return answer.rows;
  }
  // The error's status and parameter, and that its message contains `words`.
  void ExpectError(std::string_view endpoint, std::string_view query, unsigned status,
                   std::string_view parameter, std::string_view words) {
    QueryAnswer answer = Run(endpoint, query);
    ASSERT_TRUE(answer.error) << endpoint << "?" << query << " answered rows";
    EXPECT_EQ(answer.error->status, status) << query;
    EXPECT_EQ(answer.error->parameter, parameter) << query;
    EXPECT_NE(answer.error->message.find(words), std::string::npos)
        << query << ": \"" << answer.error->message << "\" lacks \"" << words << "\"";
    EXPECT_TRUE(answer.rows.empty());
  }

  MemoryTables tables;
  ManualClock clock{1'000'000};
  SiteDirectory sites{tables, clock, 1000};
  std::vector<IngestCount> ingest;
};

TEST(ExactDecimalTest, ParsesAndPrintsExactly) {
  EXPECT_EQ(ParseMicros("356.75"), 356'750'000);
  EXPECT_EQ(ParseMicros("-0.000001"), -1);
  EXPECT_EQ(ParseMicros("12.500000"), 12'500'000);
  EXPECT_EQ(ParseMicros("7"), 7'000'000);
  for (const char* bad : {"", "-", "1.", ".5", "1e3", "1.2345678", "abc", "1.2.3"})
    EXPECT_FALSE(ParseMicros(bad)) << bad;
  EXPECT_EQ(FormatMicros(356'750'000), "356.75");
  EXPECT_EQ(FormatMicros(-1), "-0.000001");
  EXPECT_EQ(FormatMicros(-2'500'000), "-2.5");
  EXPECT_EQ(FormatMicros(0), "0");
  EXPECT_EQ(FormatMicros(*ParseMicros("0.1") + *ParseMicros("0.2")), "0.3");
}

TEST_F(QueriesTest, FlowSumsPerHourDaySiteAndDistrict) {
  tables.tables[Table::kFlowHourly] = {
      {"fitness", "V1", "2026-03-01 08:00:00", "binocular", "5"},
      {"fitness", "V1", "2026-03-01 08:00:00", "gate_face", "2"},
      {"fitness", "V2", "2026-03-01 09:00:00", "binocular", "7"},
      {"parking", "P1", "2026-03-02 10:00:00", "parking_enter", "4"},
      {"parking", "P1", "2026-03-02 10:00:00", "parking_enter", "3"},
      {"community", "C1", "2026-03-02 11:00:00", "person_pass", "1"},
      {"community", "C3", "2026-03-02 11:00:00", "vehicle_pass", "2"},
      // A retraction that nets a key out: no row for it.
      {"community", "C2", "2026-03-03 12:00:00", "person_pass", "3"},
      {"community", "C2", "2026-03-03 12:00:00", "person_pass", "-3"},
  };
  tables.raw["raw_fitness_syncVenueData"] = {
      {"venueId", "districtId", "request_time"},
      {{"V1", "440305", "2026-03-01 00:00:00.000"}, {"V2", "440306", "2026-03-01 00:00:00.000"}}};
  tables.raw["raw_parking_parkInfo"] = {{"parkCode", "areaCode", "request_time"},
                                        {{"P1", "440305", "2026-03-01 00:00:00.000"}}};
  // A community's district: the first six digits of its 12-digit division code.
  tables.raw["raw_community_xq"] = {{"xqbm", "ssqXzqhdm", "request_time"},
                                    {{"C3", "440306001002", "2026-03-01 00:00:00.000"}}};

  EXPECT_EQ(Data("flow", "by=hour"), (std::vector<std::string>{
                                         R"({"hour":"2026-03-01 08:00:00","entries":7})",
                                         R"({"hour":"2026-03-01 09:00:00","entries":7})",
                                         R"({"hour":"2026-03-02 10:00:00","entries":7})",
                                         R"({"hour":"2026-03-02 11:00:00","entries":3})",
                                     }));
  EXPECT_EQ(Data("flow", "by=day"), (std::vector<std::string>{
                                        R"({"date":"2026-03-01","entries":14})",
                                        R"({"date":"2026-03-02","entries":10})",
                                    }));
  // Entries descending, then platform and site.
  EXPECT_EQ(Data("flow", "by=site"),
            (std::vector<std::string>{
                R"({"platform":"fitness","site_id":"V1","district":"440305","entries":7})",
                R"({"platform":"fitness","site_id":"V2","district":"440306","entries":7})",
                R"({"platform":"parking","site_id":"P1","district":"440305","entries":7})",
                R"({"platform":"community","site_id":"C3","district":"440306","entries":2})",
                R"({"platform":"community","site_id":"C1","district":"","entries":1})",
            }));
  EXPECT_EQ(Data("flow", "by=district"), (std::vector<std::string>{
                                             R"({"district":"440305","entries":14})",
                                             R"({"district":"440306","entries":9})",
                                             R"({"district":"","entries":1})",
                                         }));
  // Filters.
  EXPECT_EQ(Data("flow", "by=day&platform=parking"),
            (std::vector<std::string>{R"({"date":"2026-03-02","entries":7})"}));
  EXPECT_EQ(Data("flow", "by=day&site=V1&source=gate_face"),
            (std::vector<std::string>{R"({"date":"2026-03-01","entries":2})"}));
  EXPECT_EQ(Data("flow", "by=site&district=440305"),
            (std::vector<std::string>{
                R"({"platform":"fitness","site_id":"V1","district":"440305","entries":7})",
                R"({"platform":"parking","site_id":"P1","district":"440305","entries":7})",
            }));
  EXPECT_EQ(Data("flow", "by=day&from=2026-03-02&to=2026-03-03"),
            (std::vector<std::string>{R"({"date":"2026-03-02","entries":10})"}));
  EXPECT_EQ(Data("flow", "by=hour&to=2026-03-01"), (std::vector<std::string>{
                                                       R"({"hour":"2026-03-01 08:00:00","entries":7})",
                                                       R"({"hour":"2026-03-01 09:00:00","entries":7})",
                                                   }));
  EXPECT_TRUE(Data("flow", "by=day&from=2026-04-01").empty());
}

TEST_F(QueriesTest, SiteDistrictsFollowTheLatestRequestAndAreCachedForAWhile) {
  tables.tables[Table::kFlowHourly] = {{"fitness", "V1", "2026-03-01 08:00:00", "binocular", "5"}};
  tables.raw["raw_fitness_syncVenueData"] = {
      {"venueId", "districtId", "request_time"},
      {{"V1", "440306", "2026-03-02 00:00:00.000"}, {"V1", "440305", "2026-03-01 00:00:00.000"}}};
  // A table without districtId says nothing.
  tables.raw["raw_fitness_syncBinocularFlowData"] = {{"venueId", "request_time"},
                                                     {{"V1", "2026-03-09 00:00:00.000"}}};
  const std::string moved = R"({"district":"440306","entries":5})";
  EXPECT_EQ(Data("flow", "by=district"), std::vector<std::string>{moved});
  const int reads = tables.raw_reads;
  tables.raw["raw_fitness_syncVenueData"].second.push_back({"V1", "440307", "2026-03-03 00:00:00.000"});
  EXPECT_EQ(Data("flow", "by=district"), std::vector<std::string>{moved}) << "within the refresh interval";
  EXPECT_EQ(tables.raw_reads, reads);
  clock.Advance(1000);
  EXPECT_EQ(Data("flow", "by=district"), std::vector<std::string>{R"({"district":"440307","entries":5})"});
  // Queries that need no district do not read the raw tables.
  clock.Advance(1000);
  const int before = tables.raw_reads;
  Data("flow", "by=hour");
  EXPECT_EQ(tables.raw_reads, before);
}

TEST_F(QueriesTest, EnergySumsExactDecimals) {
  tables.tables[Table::kEnergyHourly] = {
      {"V1", "440000", "440300", "440305", "2026-03-01 08:00:00", "electricity", "0.1"},
      {"V1", "440000", "440300", "440305", "2026-03-01 09:00:00", "electricity", "0.2"},
      {"V1", "440000", "440300", "440305", "2026-03-01 09:00:00", "water", "12.5"},
      {"V2", "440000", "440300", "440306", "2026-03-02 09:00:00", "electricity", "100"},
      {"V3", "440000", "440300", "440306", "2026-03-02 09:00:00", "gas", "2.25"},
      {"V3", "440000", "440300", "440306", "2026-03-02 09:00:00", "gas", "-2.25"},
  };
  tables.tables[Table::kEnergyDaily] = {
      {"district", "440305", "2026-03-01", "electricity", "0.3"},
      {"district", "440305", "2026-03-01", "water", "12.5"},
      {"city", "440300", "2026-03-01", "electricity", "0.3"},
      {"district", "440306", "2026-03-02", "electricity", "100"},
  };
  EXPECT_EQ(Data("energy", "by=venue"),
            (std::vector<std::string>{
                R"({"venue_id":"V2","district_id":"440306","kind":"electricity","consumption":100})",
                R"({"venue_id":"V1","district_id":"440305","kind":"water","consumption":12.5})",
                R"({"venue_id":"V1","district_id":"440305","kind":"electricity","consumption":0.3})",
            }));
  EXPECT_EQ(Data("energy", "by=district"),
            (std::vector<std::string>{
                R"({"district_id":"440306","kind":"electricity","consumption":100})",
                R"({"district_id":"440305","kind":"water","consumption":12.5})",
                R"({"district_id":"440305","kind":"electricity","consumption":0.3})",
            }));
  EXPECT_EQ(Data("energy", "by=kind"), (std::vector<std::string>{
                                           R"({"kind":"electricity","consumption":100.3})",
                                           R"({"kind":"water","consumption":12.5})",
                                       }));
  EXPECT_EQ(Data("energy", "by=day"), (std::vector<std::string>{
                                          R"({"date":"2026-03-01","kind":"electricity","consumption":0.3})",
                                          R"({"date":"2026-03-01","kind":"water","consumption":12.5})",
                                          R"({"date":"2026-03-02","kind":"electricity","consumption":100})",
                                      }));
  EXPECT_EQ(Data("energy", "by=kind&venue=V1&kind=water"),
            (std::vector<std::string>{R"({"kind":"water","consumption":12.5})"}));
  EXPECT_EQ(Data("energy", "by=district&district=440305&kind=electricity&from=2026-03-01&to=2026-03-01"),
            (std::vector<std::string>{R"({"district_id":"440305","kind":"electricity","consumption":0.3})"}));
  EXPECT_EQ(Data("energy", "by=day&district=440306"),
            (std::vector<std::string>{R"({"date":"2026-03-02","kind":"electricity","consumption":100})"}));
}

TEST_F(QueriesTest, ParkingAccuracyWorstFirstAndNullsLast) {
  // park_code, list_time, listed, tracked, missing_enter, missing_exit, reported_used, deviation, baseline
  tables.tables[Table::kParkingReconciliation] = {
      {"A", "2026-03-01 08:00:00", "10", "10", "0", "0", "12", "2", "true"},
      {"A", "2026-03-01 09:00:00", "10", "9", "2", "1", "7", "-3", "false"},
      {"A", "2026-03-02 09:00:00", "10", "10", "0", "0", "", "", "false"},
      {"B", "2026-03-01 08:00:00", "4", "4", "0", "0", "", "", "true"},
      {"C", "2026-03-01 08:00:00", "5", "5", "0", "0", "", "", "true"},
      {"C", "2026-03-01 09:00:00", "5", "5", "1", "0", "", "", "false"},
  };
  EXPECT_EQ(Data("parking", "by=lot"),
            (std::vector<std::string>{
                R"({"park_code":"C","lists":2,"reconciled":1,"listed":5,"missing_enter":1,"missing_exit":0,)"
                R"("accuracy":0.8,"mean_abs_deviation":null})",
                R"({"park_code":"A","lists":3,"reconciled":2,"listed":20,"missing_enter":2,"missing_exit":1,)"
                R"("accuracy":0.9,"mean_abs_deviation":2.5})",
                R"({"park_code":"B","lists":1,"reconciled":0,"listed":0,"missing_enter":0,"missing_exit":0,)"
                R"("accuracy":null,"mean_abs_deviation":null})",
            }));
  EXPECT_EQ(
      Data("parking", "by=day&lot=A"),
      (std::vector<std::string>{
          R"({"date":"2026-03-01","lists":2,"reconciled":1,"listed":10,"missing_enter":2,"missing_exit":1,)"
          R"("accuracy":0.8,"mean_abs_deviation":2.5})",
          R"({"date":"2026-03-02","lists":1,"reconciled":1,"listed":10,"missing_enter":0,"missing_exit":0,)"
          R"("accuracy":1,"mean_abs_deviation":null})",
      }));
  EXPECT_EQ(Data("parking", "by=day&from=2026-03-02").size(), 1u);
}

TEST_F(QueriesTest, ProblemPlatesOfALotAndDateSorted) {
  tables.tables[Table::kParkingProblemPlates] = {
      {"A", "2026-03-01", "粤B2", "missing_exit", "2026-03-01 10:00:00"},
      {"A", "2026-03-01", "粤B1", "missing_enter", "2026-03-01 11:00:00"},
      {"A", "2026-03-01", "粤B1", "missing_enter", "2026-03-01 09:00:00"},
      {"A", "2026-03-02", "粤B0", "missing_enter", "2026-03-02 09:00:00"},
      {"B", "2026-03-01", "粤B0", "missing_enter", "2026-03-01 09:00:00"},
  };
  EXPECT_EQ(Data("problem-plates", "lot=A&date=2026-03-01"),
            (std::vector<std::string>{
                R"({"plate_no":"粤B1","problem":"missing_enter","list_time":"2026-03-01 09:00:00"})",
                R"({"plate_no":"粤B1","problem":"missing_enter","list_time":"2026-03-01 11:00:00"})",
                R"({"plate_no":"粤B2","problem":"missing_exit","list_time":"2026-03-01 10:00:00"})",
            }));
  EXPECT_TRUE(Data("problem-plates", "lot=Z&date=2026-03-01").empty());
}

TEST_F(QueriesTest, OfflineTakesEachDevicesLatestStatus) {
  // platform, site_id, device_id, status, since, previous_status
  tables.tables[Table::kSiteStatus] = {
      {"parking", "P1", "", "online", "2026-03-01 08:00:00", ""},
      {"parking", "P1", "", "offline", "2026-03-01 09:00:00", "online"},
      {"parking", "P2", "", "offline", "2026-03-01 10:00:00", "online"},
      {"parking", "P2", "", "online", "2026-03-01 11:00:00", "offline"},
      {"community", "C1", "D1", "offline", "2026-03-01 07:00:00", ""},
      {"community", "C1", "D2", "online", "2026-03-01 12:00:00", ""},
      {"community", "C1", "D2", "offline", "2026-03-01 12:00:00", "online"},  // a tie: the later row
  };
  EXPECT_EQ(Data("offline", ""),
            (std::vector<std::string>{
                R"({"platform":"community","site_id":"C1","device_id":"D2","since":"2026-03-01 12:00:00"})",
                R"({"platform":"parking","site_id":"P1","device_id":"","since":"2026-03-01 09:00:00"})",
                R"({"platform":"community","site_id":"C1","device_id":"D1","since":"2026-03-01 07:00:00"})",
            }));
  EXPECT_EQ(Data("offline", "platform=parking"),
            (std::vector<std::string>{
                R"({"platform":"parking","site_id":"P1","device_id":"","since":"2026-03-01 09:00:00"})"}));
}

TEST_F(QueriesTest, TicketsSumPerSessionHourAndDay) {
  // session_code, hour_start, sold, refunded, revenue_fen, refund_fen, checked_in, repeat_checks, inventory
  tables.tables[Table::kTicketSessions] = {
      {"S1", "2026-03-01 08:00:00", "2", "0", "200", "0", "0", "0", "0"},
      {"S1", "2026-03-01 09:00:00", "1", "1", "100", "100", "1", "0", "0"},
      {"S2", "2026-03-01 09:00:00", "5", "0", "500", "0", "0", "0", "40"},
      {"S3", "2026-03-02 09:00:00", "1", "0", "10", "0", "0", "0", "0"},
      {"S3", "2026-03-02 09:00:00", "-1", "0", "-10", "0", "0", "0", "0"},
  };
  EXPECT_EQ(
      Data("tickets", "by=session"),
      (std::vector<std::string>{
          R"({"session_code":"S2","sold":5,"refunded":0,"revenue_fen":500,"refund_fen":0,"checked_in":0,)"
          R"("repeat_checks":0,"inventory":40})",
          R"({"session_code":"S1","sold":3,"refunded":1,"revenue_fen":300,"refund_fen":100,"checked_in":1,)"
          R"("repeat_checks":0,"inventory":0})",
      }));
  EXPECT_EQ(Data("tickets", "by=hour&session=S1"),
            (std::vector<std::string>{
                R"({"hour":"2026-03-01 08:00:00","sold":2,"refunded":0,"revenue_fen":200,"refund_fen":0,)"
                R"("checked_in":0,"repeat_checks":0,"inventory":0})",
                R"({"hour":"2026-03-01 09:00:00","sold":1,"refunded":1,"revenue_fen":100,"refund_fen":100,)"
                R"("checked_in":1,"repeat_checks":0,"inventory":0})",
            }));
  EXPECT_EQ(
      Data("tickets", "by=day"),
      (std::vector<std::string>{
          R"({"date":"2026-03-01","sold":8,"refunded":1,"revenue_fen":800,"refund_fen":100,"checked_in":1,)"
          R"("repeat_checks":0,"inventory":40})"}));
}

TEST_F(QueriesTest, IngestCountsLargestFirst) {
  ingest = {{"parking", "enterRecord", "0", "ok", 5},
            {"fitness", "syncEnergyConsumptionData", "0", "ok", 9},
            {"parking", "enterRecord", "1200", "duplicate", 5}};
  EXPECT_EQ(
      Data("ingest", ""),
      (std::vector<std::string>{
          R"({"platform":"fitness","interface":"syncEnergyConsumptionData","code":"0","outcome":"ok","requests":9})",
          R"({"platform":"parking","interface":"enterRecord","code":"0","outcome":"ok","requests":5})",
          R"({"platform":"parking","interface":"enterRecord","code":"1200","outcome":"duplicate","requests":5})",
      }));
}

TEST_F(QueriesTest, ParameterErrorsNameTheParameterAndWhatIsAllowed) {
  ExpectError("flow", "", 400, "by", "required; one of: hour, day, site, district");
  ExpectError("flow", "by=week", 400, "by", "\"week\" is not allowed; one of: hour, day, site, district");
  ExpectError("flow", "by=hour&colour=red", 400, "colour",
              "unknown parameter; allowed: by, platform, site, district, source, from, to");
  ExpectError("flow", "by=hour&by=day", 400, "by", "given more than once");
  ExpectError("flow", "by=hour&platform=bus", 400, "platform", "one of: fitness, parking, community");
  ExpectError("flow", "by=hour&from=2026-02-30", 400, "from", "\"2026-02-30\" is not a date yyyy-MM-dd");
  ExpectError("flow", "by=hour&to=20260301", 400, "to", "is not a date yyyy-MM-dd");
  ExpectError("flow", "by=hour&from=2026-03-02&to=2026-03-01", 400, "from",
              "from (2026-03-02) is after to (2026-03-01)");
  ExpectError("flow", "by=hour&from=2025-02-28&to=2026-03-01", 400, "to", "spans 367 days; at most 366");
  ExpectError("energy", "by=day&kind=steam", 400, "kind", "one of: electricity, water, gas");
  ExpectError("energy", "by=district&venue=V1", 400, "venue", "not with by=district");
  ExpectError("energy", "by=venue&site=V1", 400, "site", "allowed: by, kind, district, venue, from, to");
  ExpectError("parking", "by=hour", 400, "by", "one of: lot, day");
  ExpectError("problem-plates", "date=2026-03-01", 400, "lot", "required");
  ExpectError("problem-plates", "lot=A", 400, "date", "required: a date yyyy-MM-dd");
  ExpectError("problem-plates", "lot=A&date=yesterday", 400, "date", "is not a date yyyy-MM-dd");
  ExpectError("offline", "since=2026-03-01", 400, "since", "allowed: platform");
  ExpectError("tickets", "by=minute", 400, "by", "one of: session, hour, day");
  ExpectError("ingest", "by=hour", 400, "by", "this endpoint takes none");
  ExpectError(
      "flows", "by=hour", 404, "",
      "unknown endpoint \"flows\"; endpoints: flow, energy, parking, problem-plates, offline, tickets, "
      "ingest");
}

TEST_F(QueriesTest, SpanOfAYearIsAllowedButNotMore) {
  EXPECT_FALSE(Run("flow", "by=hour&from=2024-01-01&to=2024-12-31").error) << "366 days of a leap year";
  ExpectError("flow", "by=hour&from=2025-01-01&to=2026-01-02", 400, "to", "spans 367 days; at most 366");
}

TEST_F(QueriesTest, StorageFailuresAnswer500) {
  tables.failure = "disk on fire";
  ExpectError("flow", "by=hour", 500, "", "disk on fire");
  ExpectError("flow", "by=hour&by=day", 400, "by", "given more than once");  // parameters are checked first
  tables.failure.clear();
  tables.tables[Table::kFlowHourly] = {{"fitness", "V1", "2026-03-01 08:00:00", "binocular", "many"}};
  ExpectError("flow", "by=hour", 500, "", "flow_hourly holds \"many\"");
}

}  // namespace
}  // namespace civicflow::query
