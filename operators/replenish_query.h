#pragma once
// ProblemPlateIndex: answers the parking platform's replenishCarInfo query
// ({parkCode, queryDate, currentPage, pageSize}) from the rows of
// parking_problem_plates: the distinct plates with a problem for that lot and
// date, sorted by plate, each with its problems, one page of them
// (operators/README.md).
//
// Built once (Add, or LoadFromDir over the CSV part files replay writes),
// then only read: Page() is const and safe from any thread once building is
// done. Building is single-threaded.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

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

  // Reads DIR/tables/parking_problem_plates/part-*.csv (header row first,
  // columns found by name). Fails if the table directory is missing or a file
  // is unreadable or malformed; no part files is an empty index.
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

// The parking platform's reply to replenishCarInfo (spec table 26, codes of
// appendix A): {"code","message","timestamp","data":[{"parkCode","plateNoList":[...]}]},
// data empty unless the code is 0. One line, newline-terminated.
std::string ReplenishReply(std::string_view park_code, const ReplenishPage& page, int64_t timestamp_ms);

}  // namespace civicflow::operators
