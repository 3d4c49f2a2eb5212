#pragma once
// Comparing and printing the flat schemas of segment files: a table's files
// must all agree (verify checks it, cat and compact rely on it).
#include <string>
#include <vector>

#include "storage/parquet/parquet_format.h"

namespace civicflow::storage {

// Same names, types and nullability, in the same order.
bool SameSchema(const std::vector<parquet::ColumnSpec>& a, const std::vector<parquet::ColumnSpec>& b);
// "(name STRING, n INT64 NOT NULL, …)".
std::string SchemaText(const std::vector<parquet::ColumnSpec>& columns);

}  // namespace civicflow::storage
