#include "tools/seg/segment_schema.h"

namespace civicflow::seg {

bool SameSchema(const std::vector<storage::parquet::ColumnSpec>& a,
                const std::vector<storage::parquet::ColumnSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type || a[i].optional != b[i].optional) return false;
  return true;
}

std::string SchemaText(const std::vector<storage::parquet::ColumnSpec>& columns) {
  std::string text = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) text += ", ";
    text += columns[i].name + " " + std::string(storage::parquet::ColumnTypeName(columns[i].type));
    if (!columns[i].optional) text += " NOT NULL";
  }
  return text + ")";
}

}  // namespace civicflow::seg
