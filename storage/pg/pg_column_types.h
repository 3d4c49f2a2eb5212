#pragma once
// The PostgreSQL type of each column type of a TableLayout. Cells always
// travel as the text the tables hold ("2026-03-01 08:00:00", "356.75",
// "true"); PostgreSQL parses them into these types, so a bad cell fails the
// whole transaction. Local times of PLATFORMS.md are `timestamp` without
// time zone, as written; decimals are exact `numeric`; counts and fen
// amounts `bigint`.
#include <string_view>

#include "storage/table_layout.h"

namespace civicflow::storage {

// The SQL name: "text", "bigint", "numeric", "timestamp", "date", "boolean".
std::string_view SqlTypeName(ColumnType type);

}  // namespace civicflow::storage
