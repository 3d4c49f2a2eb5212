#include "storage/segments/segment_reader.h"

#include "storage/parquet/parquet_reader.h"
#include "storage/segments/segment_layout.h"

namespace civicflow::storage {

Result<std::vector<TextRow>> ReadTableRows(const std::filesystem::path& data_dir, std::string_view table,
                                           std::span<const std::string_view> columns) {
  Result<SegmentListing> listing = ListSegments(data_dir, table);
  if (!listing.ok()) return listing.status();
  std::vector<TextRow> rows;
  for (const SegmentFile& file : listing->live) {
    auto reader = parquet::ParquetReader::Open(file.path);
    if (!reader.ok()) return reader.status();
    const auto& specs = (*reader)->columns();
    bool same = specs.size() == columns.size();
    for (size_t c = 0; same && c < specs.size(); ++c) same = specs[c].name == columns[c];
    if (!same) return Status::Error(file.path.string() + ": not the columns of table " + std::string(table));
    auto text = (*reader)->ReadTextRows();
    if (!text.ok()) return text.status();
    for (TextRow& row : *text) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace civicflow::storage
