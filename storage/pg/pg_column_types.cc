#include "storage/pg/pg_column_types.h"

#include <utility>

namespace civicflow::storage {
namespace {

using T = PgColumnType;

// Local times of PLATFORMS.md ("yyyy-MM-dd HH:mm:ss", China local time) are
// `timestamp` without time zone, as written; amounts with decimals are exact
// `numeric`; counts and fen amounts are `bigint`.
constexpr std::pair<std::string_view, PgColumnType> kColumnTypes[] = {
    {"hour_start", T::kTimestamp}, {"list_time", T::kTimestamp},
    {"since", T::kTimestamp},      {"date", T::kDate},
    {"consumption", T::kNumeric},  {"entries", T::kBigint},
    {"listed", T::kBigint},        {"tracked", T::kBigint},
    {"missing_enter", T::kBigint}, {"missing_exit", T::kBigint},
    {"reported_used", T::kBigint}, {"deviation", T::kBigint},
    {"baseline", T::kBoolean},     {"sold", T::kBigint},
    {"refunded", T::kBigint},      {"revenue_fen", T::kBigint},
    {"refund_fen", T::kBigint},    {"checked_in", T::kBigint},
    {"repeat_checks", T::kBigint}, {"inventory", T::kBigint},
    {"person_pass", T::kBigint},   {"vehicle_pass", T::kBigint},
    {"face_capture", T::kBigint},  {"vehicle_unregistered", T::kBigint},
};

}  // namespace

PgColumnType ColumnTypeOf(std::string_view column) {
  for (const auto& [name, type] : kColumnTypes) {
    if (name == column) return type;
  }
  return T::kText;
}

std::string_view SqlTypeName(PgColumnType type) {
  switch (type) {
    case T::kText:
      return "text";
    case T::kBigint:
      return "bigint";
    case T::kNumeric:
      return "numeric";
    case T::kTimestamp:
      return "timestamp";
    case T::kDate:
      return "date";
    case T::kBoolean:
      return "boolean";
  }
  return "text";
}

}  // namespace civicflow::storage
