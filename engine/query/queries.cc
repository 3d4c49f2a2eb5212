#include "engine/query/queries.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "engine/query/exact_decimal.h"
#include "engine/query/json_row.h"

namespace civicflow::query {
namespace {

using operators::Table;
using Key = std::vector<std::string>;

constexpr std::string_view kPlatforms[] = {"fitness", "parking", "community", "ticketing", "orienteering"};

QueryAnswer Refused(std::optional<QueryError> error) { return {{}, std::move(error)}; }
QueryAnswer StorageFailure(const Status& status) { return Refused(QueryError{500, "", status.message()}); }

std::string DateOf(std::string_view time) { return std::string(time.substr(0, 10)); }

// An Int or Decimal cell as an integer (Decimal: millionths); "" is 0.
std::optional<int64_t> CellValue(std::string_view cell, bool decimal) {
  if (cell.empty()) return 0;
  if (decimal) return ParseMicros(cell);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (error != std::errc() || end != cell.data() + cell.size()) return std::nullopt;
  return value;
}

Status BadCell(Table table, std::string_view cell) {
  return Status::Error("table " + std::string(operators::Schema(table).name) + " holds \"" +
                       std::string(cell) + "\" where a number belongs");
}

struct Group {
  Key key;
  std::vector<int64_t> sums;
};

// SUM per key of some cells of each row; groups come out by key.
class GroupSums {
 public:
  GroupSums(Table table, std::vector<size_t> cells, bool decimal)
      : table_(table), cells_(std::move(cells)), decimal_(decimal) {}

  Status Add(Key key, const TextRow& row) {
    auto [at, added] = groups_.try_emplace(std::move(key), cells_.size(), 0);
    for (size_t v = 0; v < cells_.size(); ++v) {
      const std::optional<int64_t> value = CellValue(row[cells_[v]], decimal_);
      if (!value) return BadCell(table_, row[cells_[v]]);
      at->second[v] += *value;
    }
    return {};
  }
  // The groups whose sums are not all zero, by key.
  std::vector<Group> NonZero() && {
    std::vector<Group> groups;
    for (auto& [key, sums] : groups_)
      if (std::any_of(sums.begin(), sums.end(), [](int64_t s) { return s != 0; }))
        groups.push_back({key, std::move(sums)});
    return groups;
  }

 private:
  Table table_;
  std::vector<size_t> cells_;
  bool decimal_;
  std::map<Key, std::vector<int64_t>> groups_;
};

// Largest `sums[value]` first; groups come by key, which orders ties.
void SortBySumDescending(std::vector<Group>& groups, size_t value) {
  std::stable_sort(groups.begin(), groups.end(),
                   [value](const Group& a, const Group& b) { return a.sums[value] > b.sums[value]; });
}

QueryAnswer Flow(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"by",     "platform", "site", "district",
                                                  "source", "from",     "to"};
  static constexpr std::string_view kBy[] = {"hour", "day", "site", "district"};
  params.Allow(kAllowed);
  const std::string by = params.Choice("by", kBy, true);
  const std::string platform = params.Choice("platform", kPlatforms, false);
  const std::string site = params.Text("site"), district = params.Text("district"),
                    source = params.Text("source");
  const DateRange dates = params.Dates();
  if (params.error()) return Refused(params.error());

  static constexpr std::string_view kColumns[] = {"platform", "site_id", "hour_start", "source", "entries"};
  auto rows = inputs.tables.Rows(Table::kFlowHourly, kColumns, dates);
  if (!rows.ok()) return StorageFailure(rows.status());
  std::shared_ptr<const SiteDistricts> districts;
  if (by == "site" || by == "district" || !district.empty()) {
    auto current = inputs.sites.Current();
    if (!current.ok()) return StorageFailure(current.status());
    districts = *current;
  }
  GroupSums sums(Table::kFlowHourly, {4}, false);
  for (const TextRow& row : *rows) {
    if ((!platform.empty() && row[0] != platform) || (!site.empty() && row[1] != site) ||
        (!source.empty() && row[3] != source) || !dates.Contains(DateOf(row[2])))
      continue;
    const std::string_view site_district = districts ? DistrictOf(*districts, row[0], row[1]) : "";
    if (!district.empty() && site_district != district) continue;
    Key key = by == "hour"   ? Key{row[2]}
              : by == "day"  ? Key{DateOf(row[2])}
              : by == "site" ? Key{row[0], row[1], std::string(site_district)}
                             : Key{std::string(site_district)};
    if (Status s = sums.Add(std::move(key), row); !s.ok()) return StorageFailure(s);
  }
  std::vector<Group> groups = std::move(sums).NonZero();
  if (by == "site" || by == "district") SortBySumDescending(groups, 0);
  QueryAnswer answer;
  for (const Group& g : groups) {
    JsonRow row;
    if (by == "hour") row.Text("hour", g.key[0]);
    if (by == "day") row.Text("date", g.key[0]);
    if (by == "site") row.Text("platform", g.key[0]).Text("site_id", g.key[1]).Text("district", g.key[2]);
    if (by == "district") row.Text("district", g.key[0]);
    answer.rows.push_back(row.Int("entries", g.sums[0]).Done());
  }
  return answer;
}

QueryAnswer Energy(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"by", "kind", "district", "venue", "from", "to"};
  static constexpr std::string_view kBy[] = {"venue", "district", "kind", "day"};
  static constexpr std::string_view kKinds[] = {"electricity", "water", "gas"};
  params.Allow(kAllowed);
  const std::string by = params.Choice("by", kBy, true);
  const std::string kind = params.Choice("kind", kKinds, false);
  const std::string district = params.Text("district"), venue = params.Text("venue");
  const DateRange dates = params.Dates();
  if (params.error()) return Refused(params.error());
  if (by == "district" && !venue.empty())
    return Refused(QueryError{400, "venue",
                              "not with by=district (district totals come from energy_daily, "
                              "which has no venue); allowed with by=venue, kind, day"});

  const bool daily = by == "district";
  const Table table = daily ? Table::kEnergyDaily : Table::kEnergyHourly;
  // Cells: 0 venue (or level), 1 district, 2 time, 3 kind, 4 consumption.
  static constexpr std::string_view kHourly[] = {"venue_id", "district_id", "hour_start", "kind",
                                                 "consumption"};
  static constexpr std::string_view kDaily[] = {"level", "region_code", "date", "kind", "consumption"};
  auto rows = inputs.tables.Rows(table, daily ? kDaily : kHourly, dates);
  if (!rows.ok()) return StorageFailure(rows.status());
  GroupSums sums(table, {4}, true);
  for (const TextRow& row : *rows) {
    if ((daily && row[0] != "district") || (!daily && !venue.empty() && row[0] != venue) ||
        (!district.empty() && row[1] != district) || (!kind.empty() && row[3] != kind) ||
        !dates.Contains(DateOf(row[2])))
      continue;
    Key key = by == "venue"      ? Key{row[0], row[1], row[3]}
              : by == "district" ? Key{row[1], row[3]}
              : by == "kind"     ? Key{row[3]}
                                 : Key{DateOf(row[2]), row[3]};
    if (Status s = sums.Add(std::move(key), row); !s.ok()) return StorageFailure(s);
  }
  std::vector<Group> groups = std::move(sums).NonZero();
  if (by != "day") SortBySumDescending(groups, 0);
  QueryAnswer answer;
  for (const Group& g : groups) {
    JsonRow row;
    if (by == "venue") row.Text("venue_id", g.key[0]).Text("district_id", g.key[1]).Text("kind", g.key[2]);
    if (by == "district") row.Text("district_id", g.key[0]).Text("kind", g.key[1]);
    if (by == "kind") row.Text("kind", g.key[0]);
    if (by == "day") row.Text("date", g.key[0]).Text("kind", g.key[1]);
    answer.rows.push_back(row.Number("consumption", FormatMicros(g.sums[0])).Done());
  }
  return answer;
}

QueryAnswer Parking(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"by", "lot", "from", "to"};
  static constexpr std::string_view kBy[] = {"lot", "day"};
  params.Allow(kAllowed);
  const std::string by = params.Choice("by", kBy, true);
  const std::string lot = params.Text("lot");
  const DateRange dates = params.Dates();
  if (params.error()) return Refused(params.error());

  static constexpr std::string_view kColumns[] = {"park_code",    "list_time", "listed",  "missing_enter",
                                                  "missing_exit", "deviation", "baseline"};
  auto rows = inputs.tables.Rows(Table::kParkingReconciliation, kColumns, dates);
  if (!rows.ok()) return StorageFailure(rows.status());
  struct Lists {
    int64_t lists = 0, reconciled = 0, listed = 0, missing_enter = 0, missing_exit = 0;
    int64_t deviations = 0, abs_deviation = 0;
  };
  std::map<std::string, Lists> groups;
  for (const TextRow& row : *rows) {
    if ((!lot.empty() && row[0] != lot) || !dates.Contains(DateOf(row[1]))) continue;
    int64_t numbers[4];
    for (size_t c = 2; c < 6; ++c) {
      const std::optional<int64_t> value = CellValue(row[c], false);
      if (!value) return StorageFailure(BadCell(Table::kParkingReconciliation, row[c]));
      numbers[c - 2] = *value;
    }
    Lists& g = groups[by == "lot" ? row[0] : DateOf(row[1])];
    ++g.lists;
    if (row[6] != "true") {
      ++g.reconciled;
      g.listed += numbers[0];
      g.missing_enter += numbers[1];
      g.missing_exit += numbers[2];
    }
    if (!row[5].empty()) {
      ++g.deviations;
      g.abs_deviation += numbers[3] < 0 ? -numbers[3] : numbers[3];
    }
  }
  struct Ranked {
    const std::string* key;
    const Lists* lists;
    std::optional<double> accuracy;
  };
  std::vector<Ranked> ranked;
  for (const auto& [key, g] : groups) {
    std::optional<double> accuracy;
    if (g.listed != 0)
      accuracy = static_cast<double>(g.listed - g.missing_enter) / static_cast<double>(g.listed);
    ranked.push_back({&key, &g, accuracy});
  }
  if (by == "lot")  // worst first, lots without a reconciled list last; ties by park code (already in order)
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (!a.accuracy || !b.accuracy) return a.accuracy.has_value() && !b.accuracy.has_value();
      return *a.accuracy < *b.accuracy;
    });
  QueryAnswer answer;
  for (const Ranked& r : ranked) {
    const Lists& g = *r.lists;
    JsonRow row;
    row.Text(by == "lot" ? "park_code" : "date", *r.key)
        .Int("lists", g.lists)
        .Int("reconciled", g.reconciled)
        .Int("listed", g.listed)
        .Int("missing_enter", g.missing_enter)
        .Int("missing_exit", g.missing_exit);
    r.accuracy ? row.Double("accuracy", *r.accuracy) : row.Null("accuracy");
    if (g.deviations > 0)
      row.Double("mean_abs_deviation",
                 static_cast<double>(g.abs_deviation) / static_cast<double>(g.deviations));
    else
      row.Null("mean_abs_deviation");
    answer.rows.push_back(row.Done());
  }
  return answer;
}

QueryAnswer ProblemPlates(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"lot", "date"};
  params.Allow(kAllowed);
  const std::string lot = params.Required("lot");
  const std::string date = params.Date("date", true);
  if (params.error()) return Refused(params.error());

  static constexpr std::string_view kColumns[] = {"park_code", "date", "plate_no", "problem", "list_time"};
  auto rows = inputs.tables.Rows(Table::kParkingProblemPlates, kColumns, DateRange{date, date});
  if (!rows.ok()) return StorageFailure(rows.status());
  std::vector<const TextRow*> picked;
  for (const TextRow& row : *rows)
    if (row[0] == lot && row[1] == date) picked.push_back(&row);
  std::sort(picked.begin(), picked.end(), [](const TextRow* a, const TextRow* b) {
    return std::tie((*a)[2], (*a)[3], (*a)[4]) < std::tie((*b)[2], (*b)[3], (*b)[4]);
  });
  QueryAnswer answer;
  for (const TextRow* row : picked)
    answer.rows.push_back(
        JsonRow().Text("plate_no", (*row)[2]).Text("problem", (*row)[3]).Text("list_time", (*row)[4]).Done());
  return answer;
}

QueryAnswer Offline(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"platform"};
  params.Allow(kAllowed);
  const std::string platform = params.Choice("platform", kPlatforms, false);
  if (params.error()) return Refused(params.error());

  static constexpr std::string_view kColumns[] = {"platform", "site_id", "device_id", "status", "since"};
  auto rows = inputs.tables.Rows(Table::kSiteStatus, kColumns, {});
  if (!rows.ok()) return StorageFailure(rows.status());
  std::map<Key, const TextRow*> latest;  // per (platform, site, device); ties: the later row
  for (const TextRow& row : *rows) {
    if (!platform.empty() && row[0] != platform) continue;
    const TextRow*& at = latest[Key{row[0], row[1], row[2]}];
    if (!at || row[4] >= (*at)[4]) at = &row;
  }
  std::vector<const TextRow*> offline;
  for (const auto& [key, row] : latest)
    if ((*row)[3] == "offline") offline.push_back(row);
  std::stable_sort(offline.begin(), offline.end(),
                   [](const TextRow* a, const TextRow* b) { return (*a)[4] > (*b)[4]; });
  QueryAnswer answer;
  for (const TextRow* row : offline)
    answer.rows.push_back(JsonRow()
                              .Text("platform", (*row)[0])
                              .Text("site_id", (*row)[1])
                              .Text("device_id", (*row)[2])
                              .Text("since", (*row)[4])
                              .Done());
  return answer;
}

QueryAnswer Tickets(QueryParams& params, const QueryInputs& inputs) {
  static constexpr std::string_view kAllowed[] = {"by", "session", "from", "to"};
  static constexpr std::string_view kBy[] = {"session", "hour", "day"};
  params.Allow(kAllowed);
  const std::string by = params.Choice("by", kBy, true);
  const std::string session = params.Text("session");
  const DateRange dates = params.Dates();
  if (params.error()) return Refused(params.error());

  static constexpr std::string_view kColumns[] = {"session_code", "hour_start",    "sold",
                                                  "refunded",     "revenue_fen",   "refund_fen",
                                                  "checked_in",   "repeat_checks", "inventory"};
  static constexpr std::string_view kValues[] = {"sold",       "refunded",      "revenue_fen", "refund_fen",
                                                 "checked_in", "repeat_checks", "inventory"};
  auto rows = inputs.tables.Rows(Table::kTicketSessions, kColumns, dates);
  if (!rows.ok()) return StorageFailure(rows.status());
  GroupSums sums(Table::kTicketSessions, {2, 3, 4, 5, 6, 7, 8}, false);
  for (const TextRow& row : *rows) {
    if ((!session.empty() && row[0] != session) || !dates.Contains(DateOf(row[1]))) continue;
    Key key = by == "session" ? Key{row[0]} : by == "hour" ? Key{row[1]} : Key{DateOf(row[1])};
    if (Status s = sums.Add(std::move(key), row); !s.ok()) return StorageFailure(s);
  }
  std::vector<Group> groups = std::move(sums).NonZero();
  if (by == "session") SortBySumDescending(groups, 0);
  QueryAnswer answer;
  for (const Group& g : groups) {
    JsonRow row;
    row.Text(by == "session" ? "session_code" : by == "hour" ? "hour" : "date", g.key[0]);
    for (size_t v = 0; v < std::size(kValues); ++v) row.Int(kValues[v], g.sums[v]);
    answer.rows.push_back(row.Done());
  }
  return answer;
}

QueryAnswer Ingest(QueryParams& params, const QueryInputs& inputs) {
  params.Allow({});
  if (params.error()) return Refused(params.error());
  std::vector<IngestCount> counts =
      inputs.ingest_counts ? inputs.ingest_counts() : std::vector<IngestCount>{};
  std::sort(counts.begin(), counts.end(), [](const IngestCount& a, const IngestCount& b) {
    if (a.requests != b.requests) return a.requests > b.requests;
    return std::tie(a.platform, a.interface, a.code, a.outcome) <
           std::tie(b.platform, b.interface, b.code, b.outcome);
  });
  QueryAnswer answer;
  for (const IngestCount& c : counts)
    answer.rows.push_back(JsonRow()
                              .Text("platform", c.platform)
                              .Text("interface", c.interface)
                              .Text("code", c.code)
                              .Text("outcome", c.outcome)
                              .Int("requests", static_cast<int64_t>(c.requests))
                              .Done());
  return answer;
}

struct Endpoint {
  std::string_view name;
  QueryAnswer (*run)(QueryParams&, const QueryInputs&);
};
constexpr Endpoint kEndpoints[] = {
    {"flow", Flow},       {"energy", Energy},   {"parking", Parking}, {"problem-plates", ProblemPlates},
    {"offline", Offline}, {"tickets", Tickets}, {"ingest", Ingest},
};

}  // namespace

std::string EndpointList() {
  std::string list;
  for (const Endpoint& e : kEndpoints) (list += list.empty() ? "" : ", ") += e.name;
  return list;
}

QueryAnswer RunQuery(std::string_view endpoint, std::string_view query, const QueryInputs& inputs) {
  for (const Endpoint& e : kEndpoints) {
    if (e.name != endpoint) continue;
    QueryParams params = QueryParams::Parse(query);
    return e.run(params, inputs);
  }
  return Refused(QueryError{
      404, "", "unknown endpoint \"" + std::string(endpoint) + "\"; endpoints: " + EndpointList()});
}

}  // namespace civicflow::query
