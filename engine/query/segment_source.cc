#include "engine/query/segment_source.h"

#include <algorithm>
#include <system_error>

#include "storage/parquet/parquet_reader.h"
#include "storage/segments/segment_layout.h"

namespace civicflow::query {

Result<std::vector<TextRow>> SegmentSource::Rows(operators::Table table,
                                                 std::span<const std::string_view> columns,
                                                 const DateRange& dates) {
  return TableRows(std::string(operators::Schema(table).name), columns, dates, true);
}

Result<std::vector<TextRow>> SegmentSource::RawRows(std::string_view prefix,
                                                    std::span<const std::string_view> columns) {
  std::vector<std::string> tables;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(storage::SegmentsDir(data_dir_), error)) {
    const std::string table = entry.path().filename().string();
    if (entry.is_directory() && table.starts_with(prefix)) tables.push_back(table);
  }
  std::sort(tables.begin(), tables.end());
  std::vector<TextRow> rows;
  for (const std::string& table : tables) {
    auto table_rows = TableRows(table, columns, {}, false);
    if (!table_rows.ok()) return table_rows.status();
    for (TextRow& row : *table_rows) rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<TextRow>> SegmentSource::TableRows(const std::string& table,
                                                      std::span<const std::string_view> columns,
                                                      const DateRange& dates, bool strict, int attempts) {
  Result<storage::SegmentListing> listing = storage::ListSegments(data_dir_, table);
  if (!listing.ok()) return listing.status();
  std::set<std::filesystem::path> live;
  for (const storage::SegmentFile& file : listing->live) live.insert(file.path);
  ForgetAllBut(table, live);

  std::vector<TextRow> rows;
  for (const storage::SegmentFile& file : listing->live) {
    if (!dates.Contains(file.date)) continue;
    auto loaded = Load(table, file.path, columns);
    if (!loaded.ok()) {
      // Compaction may have deleted a file since the listing: its rows are in the compact file.
      if (attempts > 1 && !std::filesystem::exists(file.path))
        return TableRows(table, columns, dates, strict, attempts - 1);
      return loaded.status();
    }
    if (!(*loaded)->complete) {
      if (strict) return Status::Error(file.path.string() + ": not the columns of table " + table);
      continue;
    }
    rows.insert(rows.end(), (*loaded)->rows.begin(), (*loaded)->rows.end());
  }
  return rows;
}

Result<std::shared_ptr<const SegmentSource::Projection>> SegmentSource::Load(
    const std::string& table, const std::filesystem::path& path, std::span<const std::string_view> columns) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  const auto mtime = std::filesystem::last_write_time(path, error);
  if (error) return Status::Error(path.string() + ": " + error.message());
  std::string key;
  for (std::string_view column : columns) (key += key.empty() ? "" : ",") += column;
  {
    std::lock_guard lock(mu_);
    auto& files = cache_[table];
    if (auto at = files.find(path); at != files.end() && at->second.size == size && at->second.mtime == mtime)
      if (auto cached = at->second.by_columns.find(key); cached != at->second.by_columns.end()) {
        cached->second.last_used = ++uses_;
        return cached->second.projection;
      }
  }
  auto reader = storage::parquet::ParquetReader::Open(path);
  if (!reader.ok()) return reader.status();
  auto projection = std::make_shared<Projection>();
  std::vector<size_t> picked;
  const auto& specs = (*reader)->columns();
  for (std::string_view column : columns) {
    const auto at =
        std::find_if(specs.begin(), specs.end(), [&](const auto& spec) { return spec.name == column; });
    if (at != specs.end()) picked.push_back(static_cast<size_t>(at - specs.begin()));
  }
  projection->complete = picked.size() == columns.size();
  if (projection->complete) {
    auto text = (*reader)->ReadTextRows();
    if (!text.ok()) return text.status();
    projection->rows.reserve(text->size());
    for (TextRow& full : *text) {
      TextRow& row = projection->rows.emplace_back();
      row.reserve(picked.size());
      for (size_t c : picked) {
        projection->bytes += sizeof(std::string) + full[c].size();
        row.push_back(std::move(full[c]));
      }
      projection->bytes += sizeof(TextRow);
    }
  }
  std::lock_guard lock(mu_);
  CachedFile& file = cache_[table][path];
  if (file.size != size || file.mtime != mtime) {
    for (const auto& [_, cached] : file.by_columns) cached_bytes_ -= cached.projection->bytes;
    file = CachedFile{size, mtime, {}};
  }
  Cached& cached = file.by_columns[key];
  if (cached.projection) cached_bytes_ -= cached.projection->bytes;
  cached = {projection, ++uses_};
  cached_bytes_ += projection->bytes;
  EvictOverBudget();
  return std::shared_ptr<const Projection>(std::move(projection));
}

void SegmentSource::EvictOverBudget() {
  while (cached_bytes_ > cache_budget_) {
    std::map<std::string, Cached>* oldest_in = nullptr;
    std::map<std::string, Cached>::iterator oldest;
    for (auto& [table, files] : cache_)
      for (auto& [path, file] : files)
        for (auto it = file.by_columns.begin(); it != file.by_columns.end(); ++it)
          if (!oldest_in || it->second.last_used < oldest->second.last_used) {
            oldest_in = &file.by_columns;
            oldest = it;
          }
    if (!oldest_in) return;
    cached_bytes_ -= oldest->second.projection->bytes;
    oldest_in->erase(oldest);
  }
}

void SegmentSource::ForgetAllBut(const std::string& table, const std::set<std::filesystem::path>& live) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_[table], [&](const auto& entry) {
    if (live.contains(entry.first)) return false;
    for (const auto& [_, cached] : entry.second.by_columns) cached_bytes_ -= cached.projection->bytes;
    return true;
  });
}

size_t SegmentSource::cached_files() const {
  std::lock_guard lock(mu_);
  size_t files = 0;
  for (const auto& [table, by_path] : cache_)
    for (const auto& [path, file] : by_path) files += !file.by_columns.empty();
  return files;
}

size_t SegmentSource::cached_bytes() const {
  std::lock_guard lock(mu_);
  return cached_bytes_;
}

}  // namespace civicflow::query
