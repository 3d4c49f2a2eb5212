#include "storage/pg/pg_column_types.h"

namespace civicflow::storage {

std::string_view SqlTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "text";
    case ColumnType::kInt:
      return "bigint";
    case ColumnType::kDecimal:
      return "numeric";
    case ColumnType::kTimestamp:
      return "timestamp";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kBool:
      return "boolean";
  }
  return "text";
}

}  // namespace civicflow::storage
