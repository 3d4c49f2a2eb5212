// The query API of the real `civicflow serve` over loopback HTTP, on a data
// dir written by a replay of a generated archive of every platform: every
// endpoint answers, the sums equal sums computed here straight from the
// segment files, answers survive a compaction of the files under the
// server, and bad requests get the contract's status and shape.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/query/segment_source.h"
#include "storage/segments/compaction.h"
#include "tests/engine/query/query_api_support.h"

namespace civicflow::testing {
namespace {

TEST_F(QueryApiTest, AnswersEveryEndpointWithTheSegmentsSums) {
  const auto [lot, date] = ProblemLotAndDate();
  ASSERT_FALSE(lot.empty()) << "the demo archive has no problem plates";
  ServeProcess serve(data(), demo_->accounts_file);
  ASSERT_NE(serve.port(), 0);
  QueryClient client(serve.port());

  std::map<std::string, std::vector<std::string>> answers;
  for (const std::string& target : Targets(lot, date)) {
    answers[target] = client.Data(target, "segments");
    EXPECT_TRUE(MayBeEmpty(target) || !answers[target].empty()) << target << " answered no rows";
  }

  // flow: per site and per district as summed here from flow_hourly, with
  // districts from the raw tables.
  std::map<std::string, std::string> district_of;  // "platform|site" → district
  for (auto& row : TableCells(data(), "raw_parking_parkInfo"))
    district_of["parking|" + row["parkCode"]] = row["areaCode"];
  for (auto& row : TableCells(data(), "raw_community_xq"))
    district_of["community|" + row["xqbm"]] = row["ssqXzqhdm"].substr(0, 6);
  size_t venues_with_district = 0;
  for (const auto& entry : fs::directory_iterator(data() / "segments")) {
    const std::string table = entry.path().filename().string();
    if (!table.starts_with("raw_fitness_")) continue;
    for (auto& row : TableCells(data(), table))
      if (row.contains("districtId") && row.contains("venueId") && !row["districtId"].empty()) {
        district_of["fitness|" + row["venueId"]] = row["districtId"];
        ++venues_with_district;
      }
  }
  EXPECT_GT(venues_with_district, 0u);
  std::map<std::string, double> by_site, by_district;
  double total = 0;
  for (auto& row : TableCells(data(), "flow_hourly")) {
    const double entries = std::stod(row["entries"]);
    const std::string site = row["platform"] + "|" + row["site_id"];
    by_site[site + "|" + district_of[site] + "|"] += entries;
    by_district[district_of[site] + "|"] += entries;
    total += entries;
  }
  std::erase_if(by_site, [](const auto& e) { return e.second == 0; });
  std::erase_if(by_district, [](const auto& e) { return e.second == 0; });
  auto& parser = client.parser();
  EXPECT_EQ(Column(parser, answers["/query/v1/flow?by=site"], {"platform", "site_id", "district"}, "entries"),
            by_site);
  EXPECT_EQ(Column(parser, answers["/query/v1/flow?by=district"], {"district"}, "entries"), by_district);
  EXPECT_GT(by_district.size(), 1u) << "sites of several districts";
  double hourly = 0;
  for (const auto& [hour, entries] : Column(parser, answers["/query/v1/flow?by=hour"], {"hour"}, "entries"))
    hourly += entries;
  EXPECT_EQ(hourly, total);

  // energy by kind: the sums of energy_hourly.
  std::map<std::string, double> by_kind;
  for (auto& row : TableCells(data(), "energy_hourly"))
    by_kind[row["kind"] + "|"] += std::stod(row["consumption"]);
  const auto answered = Column(parser, answers["/query/v1/energy?by=kind"], {"kind"}, "consumption");
  ASSERT_EQ(answered.size(), by_kind.size());
  for (const auto& [kind, sum] : by_kind)
    EXPECT_NEAR(answered.at(kind), sum, 1e-6 * std::max(1.0, sum)) << kind;

  // Compaction replaces the files under the server: the same answers. A
  // source of our own shows the cache letting go of the replaced files.
  query::SegmentSource source(data());
  const std::string_view flow_columns[] = {"platform", "site_id", "hour_start", "source", "entries"};
  auto live_files = [&] { return storage::ListSegments(data(), "flow_hourly").value().live.size(); };
  auto before = source.Rows(operators::Table::kFlowHourly, flow_columns, {});
  ASSERT_TRUE(before.ok());
  const size_t files_before = live_files();
  EXPECT_EQ(source.cached_files(), files_before);
  storage::CompactOptions compact;
  compact.data_dir = data();
  compact.min_files = 2;
  auto report = storage::Compact(compact, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_GT(report->files_merged, 0u);
  for (const std::string& target : Targets(lot, date)) {
    if (target.starts_with("/query/v1/ingest")) continue;  // live request counters, not tables
    EXPECT_EQ(client.Data(target, "segments"), answers[target]) << target << " after compaction";
  }
  auto after = source.Rows(operators::Table::kFlowHourly, flow_columns, {});
  ASSERT_TRUE(after.ok());
  EXPECT_LT(live_files(), files_before);
  EXPECT_EQ(source.cached_files(), live_files());
  EXPECT_EQ(after->size(), before->size());
  EXPECT_GT(source.cached_bytes(), 0u);
  // A cache over its budget lets go of what it read, and still answers the same rows.
  query::SegmentSource tight(data(), source.cached_bytes() / 2);
  auto tight_rows = tight.Rows(operators::Table::kFlowHourly, flow_columns, {});
  ASSERT_TRUE(tight_rows.ok());
  EXPECT_EQ(*tight_rows, *after);
  EXPECT_LE(tight.cached_bytes(), source.cached_bytes() / 2);
  EXPECT_LT(tight.cached_files(), live_files());

  // Errors: status and shape.
  client.ExpectError("/query/v1/flow?by=day&from=2026-13-01", 400, "from", "is not a date yyyy-MM-dd");
  client.ExpectError("/query/v1/flow?by=week", 400, "by", "one of: hour, day, site, district");
  client.ExpectError("/query/v1/energy?by=kind&colour=red", 400, "colour", "unknown parameter; allowed:");
  client.ExpectError("/query/v1/flows?by=day", 404, "",
                     "unknown endpoint \"flows\"; endpoints: flow, energy");
  client.ExpectError("/query/v1/flow?by=day", 405, "", "only GET", "POST");
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace civicflow::testing
