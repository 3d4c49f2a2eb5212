#pragma once
// Output tables as their segments hold them, and comparisons of two
// runs' tables: additive tables as SUM per key (the schema's key columns;
// keys whose sums are all zero dropped), the others as multisets of rows.
// Shared by the tests that hold civicflow's outputs against a reference.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "operators/tables.h"

namespace civicflow::testing {

using Row = std::vector<std::string>;
inline constexpr size_t kShown = 10;  // differences shown per table

std::string ReadFile(const std::filesystem::path& path);
std::string Join(const Row& cells);
Row Columns(const operators::TableSchema& schema);

// A table as a run wrote it: the rows of its live segments, and what was wrong with them.
struct Loaded {
  std::vector<Row> rows;
  std::vector<std::string> problems;
};
Loaded LoadTable(const std::filesystem::path& data_dir, const operators::TableSchema& schema);

// Empty when `got` and `want` hold the same table content; else how they differ.
std::string CompareTable(const operators::TableSchema& schema, const std::vector<Row>& got,
                         const std::vector<Row>& want, std::string_view got_name, std::string_view want_name);

}  // namespace civicflow::testing
