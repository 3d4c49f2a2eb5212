#include "storage/segments/segment_schema.h"

namespace civicflow::storage {

bool SameSchema(const std::vector<parquet::ColumnSpec>& a, const std::vector<parquet::ColumnSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type || a[i].optional != b[i].optional) return false;
  return true;
}

std::string SchemaText(const std::vector<parquet::ColumnSpec>& columns) {
  std::string text = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) text += ", ";
    text += columns[i].name + " " + std::string(parquet::ColumnTypeName(columns[i].type));
    if (!columns[i].optional) text += " NOT NULL";
  }
  return text + ")";
}

}  // namespace civicflow::storage
