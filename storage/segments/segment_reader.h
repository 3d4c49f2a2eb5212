#pragma once
// Reading a table back from its live segments (segment_layout.h), as the
// text cells the engine wrote (ParquetReader::ReadTextRows). For tools and
// for what the engine serves from its own outputs; analysts use DuckDB.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::storage {

using TextRow = std::vector<std::string>;

// Every row of `table`'s live files, file by file in listing order. A file
// whose columns are not `columns` (in order) is an error naming it; no
// files at all is no rows.
Result<std::vector<TextRow>> ReadTableRows(const std::filesystem::path& data_dir, std::string_view table,
                                           std::span<const std::string_view> columns);

}  // namespace civicflow::storage
