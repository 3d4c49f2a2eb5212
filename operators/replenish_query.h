#pragma once
// ProblemPlateIndex: answers the parking platform's replenishCarInfo query
// ({parkCode, queryDate, currentPage, pageSize}) from the rows of
// parking_problem_plates: the distinct plates with a problem for that lot and
// date, sorted by plate, each with its problems, one page of them
// (operators/README.md).
//
// Built once (Add, or LoadFromDir over the segments a replay writes),
// then only read: Page() is const and safe from any thread once building is
// done. Building is single-threaded; LiveProblemPlates (below) is the one a
// server builds and reads at the same time.
#include <cstdint>
#include <map>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/table_sink.h"
#include "ingest/platforms/parking/replenish_source.h"

namespace civicflow::operators {

struct ProblemPlate {
  std::string plate_no;
  std::vector<std::string> problems;  // distinct, sorted: "missing_enter", "missing_exit"
  bool operator==(const ProblemPlate&) const = default;
};

struct ReplenishPage {
  int code = 0;                      // ProblemPlateIndex::kOk, kBadParameters or kNoSuchPage
  int64_t total = 0;                 // distinct plates of the lot and date (0 for bad parameters)
  std::vector<ProblemPlate> plates;  // this page's, sorted by plate
};

class ProblemPlateIndex {
 public:
  // Reply codes of the parking spec's appendix A.
  static constexpr int kOk = 0;
  static constexpr int kBadParameters = 4;
  static constexpr int kNoSuchPage = 1107;
  static constexpr int64_t kMaxPageSize = 50;

  // One parking_problem_plates row. The same plate may come from several
  // lists of the day; it is answered once, with the union of its problems.
  void Add(std::string_view park_code, std::string_view date, std::string_view plate_no,
           std::string_view problem);

  // Reads the parking_problem_plates segments of data dir `dir`. Fails if
  // `dir` has no segments or a file is unreadable; no files is an empty index.
  static Result<ProblemPlateIndex> LoadFromDir(const std::string& dir);

  // `current_page` counts from 1. Bad parameters: page_size outside
  // 1..kMaxPageSize, current_page < 1, an empty park code or a date that is
  // not yyyy-MM-dd. A lot and date without problems has one page, page 1,
  // which is empty; any page past the last answers kNoSuchPage.
  ReplenishPage Page(std::string_view park_code, std::string_view date, int64_t current_page,
                     int64_t page_size) const;

  size_t plates() const;  // distinct (lot, date, plate)

 private:
  static std::string Key(std::string_view park_code, std::string_view date);
  // "parkCode date" → plate → problems (distinct, sorted)
  std::map<std::string, std::map<std::string, std::vector<std::string>>> by_lot_date_;
};

// The parking platform's reply to replenishCarInfo (spec tables 26 and 29,
// codes and texts of appendix A; ingest/platforms/parking/reply.h):
// {"code":<Int>,"message","timestamp","data":[{"parkCode","plateNoList":[...]}]},
// data empty unless the code is 0. One line, newline-terminated.
std::string ReplenishReply(std::string_view park_code, const ReplenishPage& page, int64_t timestamp_ms);

// LiveProblemPlates: the ProblemPlateIndex of a running server. The shards'
// parking_problem_plates rows are teed into it as they are emitted (Row, with
// the table's columns, operators/tables.cc) while the parking adapter's I/O
// threads ask it for pages (Page, Answer). Thread-safe: rows take the
// exclusive lock, pages the shared one.
class LiveProblemPlates final : public TableSink, public ingest::parking::ReplenishSource {
 public:
  LiveProblemPlates();

  // One parking_problem_plates row: park_code, date, plate_no, problem, list_time.
  void Row(std::span<const std::string_view> cells) override;

  ReplenishPage Page(std::string_view park_code, std::string_view date, int64_t current_page,
                     int64_t page_size) const;
  // Page() as the HTTP reply to replenishCarInfo (ReplenishReply without the newline).
  ingest::parking::ReplenishAnswer Answer(std::string_view park_code, std::string_view date,
                                          int64_t current_page, int64_t page_size,
                                          int64_t timestamp_ms) const override;
  size_t plates() const;

 private:
  const size_t park_code_, date_, plate_no_, problem_;  // column positions in a row
  mutable std::shared_mutex mutex_;
  ProblemPlateIndex index_;
};

}  // namespace civicflow::operators
