#pragma once
// TableLayout: what a sink needs to know about an output table, as views
// (the owner of the strings outlives every use; operators/tables.cc keeps
// them in static storage). storage/ does not depend on operators/, which
// defines its schemas as these.
#include <span>
#include <string_view>

namespace civicflow::storage {

// What a column's text cells hold (engine/base/table_sink.h writes them):
// kDecimal is an exact decimal ("356.75"), kTimestamp a local
// "yyyy-MM-dd HH:mm:ss", kDate "yyyy-MM-dd", kBool "true"/"false"; an empty
// cell is no value. Each sink maps them to its own types.
enum class ColumnType : uint8_t { kText, kInt, kDecimal, kBool, kDate, kTimestamp };

inline bool IsSummable(ColumnType type) { return type == ColumnType::kInt || type == ColumnType::kDecimal; }

struct TableLayout {
  std::string_view name;
  std::span<const std::string_view> columns;  // in row order
  // The grouping columns; every other column is summed. Empty: the table is
  // not additive (each row is a fact of its own).
  std::span<const std::string_view> key;
  std::span<const ColumnType> types;  // one per column
  // The column whose day partitions the table's segments: the first date or
  // timestamp column.
  size_t PartitionColumn() const {
    for (size_t c = 0; c < types.size(); ++c)
      if (types[c] == ColumnType::kDate || types[c] == ColumnType::kTimestamp) return c;
    return 0;
  }
};

}  // namespace civicflow::storage
