#pragma once
// The PostgreSQL type of each output column, by column name. One small table
// (pg_column_types.cc) so operators/ stays free of SQL: a column not named
// there is text. Cells always travel as the text the CSV tables hold
// ("2026-03-01 08:00:00", "356.75", "true"); PostgreSQL parses them into
// these types, so a bad cell fails the whole transaction.
#include <string_view>

namespace civicflow::storage {

enum class PgColumnType : uint8_t { kText, kBigint, kNumeric, kTimestamp, kDate, kBoolean };

PgColumnType ColumnTypeOf(std::string_view column);
// The SQL name: "text", "bigint", "numeric", "timestamp", "date", "boolean".
std::string_view SqlTypeName(PgColumnType type);
// Whether a column of this type can be summed (an additive table's values).
inline bool IsSummable(PgColumnType type) {
  return type == PgColumnType::kBigint || type == PgColumnType::kNumeric;
}

}  // namespace civicflow::storage
