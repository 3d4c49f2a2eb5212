#include "operators/replenish_query.h"

#include <algorithm>
#include <filesystem>

#include "engine/base/json_escape.h"
#include "engine/base/local_time.h"
#include "ingest/platforms/parking/reply.h"
#include "operators/tables.h"
#include "storage/segments/segment_reader.h"

namespace civicflow::operators {
namespace {

namespace fs = std::filesystem;

// Position of `name` among parking_problem_plates' columns.
size_t ProblemPlateColumn(std::string_view name) {
  const auto columns = Schema(Table::kParkingProblemPlates).columns;
  return static_cast<size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
}

// ReplenishReply without its newline: the HTTP reply.
std::string ReplenishReplyBody(std::string_view park_code, const ReplenishPage& page, int64_t timestamp_ms) {
  std::string data = "[";
  if (page.code == ProblemPlateIndex::kOk) {
    data += "{\"parkCode\":";
    AppendJsonString(data, park_code);
    data += ",\"plateNoList\":[";
    for (size_t i = 0; i < page.plates.size(); ++i) {
      if (i) data += ',';
      AppendJsonString(data, page.plates[i].plate_no);
    }
    data += "]}";
  }
  data += ']';
  return ingest::parking::Reply(page.code, ingest::parking::CodeText(page.code), timestamp_ms, data);
}

}  // namespace

std::string ProblemPlateIndex::Key(std::string_view park_code, std::string_view date) {
  std::string key;
  key.reserve(park_code.size() + 1 + date.size());
  key.append(park_code).append(1, ' ').append(date);
  return key;
}

void ProblemPlateIndex::Add(std::string_view park_code, std::string_view date, std::string_view plate_no,
                            std::string_view problem) {
  std::vector<std::string>& problems = by_lot_date_[Key(park_code, date)][std::string(plate_no)];
  const auto at = std::lower_bound(problems.begin(), problems.end(), problem);
  if (at == problems.end() || *at != problem) problems.insert(at, std::string(problem));
}

Result<ProblemPlateIndex> ProblemPlateIndex::LoadFromDir(const std::string& dir) {
  const TableSchema& schema = Schema(Table::kParkingProblemPlates);
  if (!fs::is_directory(fs::path(dir) / "segments"))
    return Status::Error("no segments in " + dir + ": not a civicflow data dir");
  Result<std::vector<storage::TextRow>> rows = storage::ReadTableRows(dir, schema.name, schema.columns);
  if (!rows.ok()) return rows.status();
  const size_t park = ProblemPlateColumn("park_code"), date = ProblemPlateColumn("date"),
               plate = ProblemPlateColumn("plate_no"), problem = ProblemPlateColumn("problem");
  ProblemPlateIndex index;
  for (const storage::TextRow& row : *rows) index.Add(row[park], row[date], row[plate], row[problem]);
  return index;
}

ReplenishPage ProblemPlateIndex::Page(std::string_view park_code, std::string_view date, int64_t current_page,
                                      int64_t page_size) const {
  ReplenishPage page;
  if (page_size < 1 || page_size > kMaxPageSize || current_page < 1 || park_code.empty() ||
      !ParseDate(date)) {
    page.code = kBadParameters;
    return page;
  }
  const auto found = by_lot_date_.find(Key(park_code, date));
  if (found != by_lot_date_.end()) page.total = static_cast<int64_t>(found->second.size());
  const int64_t pages = std::max<int64_t>(1, (page.total + page_size - 1) / page_size);
  if (current_page > pages) {
    page.code = kNoSuchPage;
    return page;
  }
  page.code = kOk;
  if (found == by_lot_date_.end()) return page;
  auto it = std::next(found->second.begin(), (current_page - 1) * page_size);
  for (int64_t n = 0; n < page_size && it != found->second.end(); ++n, ++it)
    page.plates.push_back({it->first, it->second});
  return page;
}

size_t ProblemPlateIndex::plates() const {
  size_t n = 0;
  for (const auto& [key, plates] : by_lot_date_) n += plates.size();
  return n;
}

std::string ReplenishReply(std::string_view park_code, const ReplenishPage& page, int64_t timestamp_ms) {
  return ReplenishReplyBody(park_code, page, timestamp_ms) + "\n";
}

LiveProblemPlates::LiveProblemPlates()
    : park_code_(ProblemPlateColumn("park_code")),
      date_(ProblemPlateColumn("date")),
      plate_no_(ProblemPlateColumn("plate_no")),
      problem_(ProblemPlateColumn("problem")) {}

void LiveProblemPlates::Row(std::span<const std::string_view> cells) {
  std::unique_lock lock(mutex_);
  index_.Add(cells[park_code_], cells[date_], cells[plate_no_], cells[problem_]);
}

ReplenishPage LiveProblemPlates::Page(std::string_view park_code, std::string_view date, int64_t current_page,
                                      int64_t page_size) const {
  std::shared_lock lock(mutex_);
  return index_.Page(park_code, date, current_page, page_size);
}

ingest::parking::ReplenishAnswer LiveProblemPlates::Answer(std::string_view park_code, std::string_view date,
                                                           int64_t current_page, int64_t page_size,
                                                           int64_t timestamp_ms) const {
  const ReplenishPage page = Page(park_code, date, current_page, page_size);
  return {page.code, ReplenishReplyBody(park_code, page, timestamp_ms)};
}

size_t LiveProblemPlates::plates() const {
  std::shared_lock lock(mutex_);
  return index_.plates();
}

}  // namespace civicflow::operators
