#pragma once
// TableSource: where the query API reads an output table's rows — the data
// dir's segments or PostgreSQL. Rows come as the text cells the segments
// hold (storage/table_layout.h: exact decimals, "yyyy-MM-dd HH:mm:ss"
// times, "yyyy-MM-dd" dates, "true"/"false", "" for no value), so every
// query computes the same answer from either source.
// Thread-safe: the HTTP server's I/O threads query concurrently.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "operators/tables.h"
#include "storage/segments/segment_reader.h"

namespace civicflow::query {

using storage::TextRow;

// Inclusive dates "yyyy-MM-dd"; an empty bound is open.
struct DateRange {
  std::string from;
  std::string to;

  bool Contains(std::string_view date) const {
    return (from.empty() || date >= from) && (to.empty() || date <= to);
  }
};

class TableSource {
 public:
  virtual ~TableSource() = default;
  // "segments" or "postgresql": the reply's `source`.
  virtual std::string_view name() const = 0;
  // The rows of `table` whose partition date (the date of its first date or
  // time column, TableLayout::PartitionColumn) is in `dates`, cells of
  // `columns` in that order. Rows of a table that is not additive come in
  // the order they were written.
  virtual Result<std::vector<TextRow>> Rows(operators::Table table, std::span<const std::string_view> columns,
                                            const DateRange& dates) = 0;
  // The rows of every raw record table (operators/raw_records.h) whose name
  // starts with `prefix` and which has all of `columns`; tables without them
  // are left out. Sources that hold no raw tables answer no rows.
  virtual Result<std::vector<TextRow>> RawRows(std::string_view prefix,
                                               std::span<const std::string_view> columns) = 0;
};

}  // namespace civicflow::query
