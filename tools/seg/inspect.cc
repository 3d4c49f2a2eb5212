#include "tools/seg/inspect.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "storage/parquet/parquet_reader.h"
#include "storage/segments/segment_layout.h"
#include "storage/segments/segment_schema.h"
#include "tools/seg/row_format.h"

namespace civicflow::seg {
namespace {

namespace fs = std::filesystem;
using storage::SameSchema;
using storage::SchemaText;
using storage::SegmentFile;
using storage::parquet::ParquetReader;
using storage::parquet::Value;

Result<std::vector<SegmentFile>> LiveFiles(const Selection& selection) {
  Result<storage::SegmentListing> listing = storage::ListSegments(selection.data_dir, selection.table);
  if (!listing.ok()) return listing.status();
  std::vector<SegmentFile> files;
  for (SegmentFile& f : listing->live)
    if (selection.date.empty() || f.date == selection.date) files.push_back(std::move(f));
  return files;
}

std::string ShardText(const SegmentFile& f) { return f.shard ? std::to_string(*f.shard) : "compact"; }

uint64_t FileBytes(const fs::path& path) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

}  // namespace

Status ListFiles(const Selection& selection, std::FILE* out) {
  Result<std::vector<SegmentFile>> files = LiveFiles(selection);
  if (!files.ok()) return files.status();
  std::fprintf(out, "table\tdate\tepoch\tshard\trows\tbytes\n");
  uint64_t unreadable = 0;
  for (const SegmentFile& f : *files) {
    Result<std::unique_ptr<ParquetReader>> reader = ParquetReader::Open(f.path);
    std::string rows = "?";
    if (reader.ok()) {
      rows = std::to_string((*reader)->num_rows());
    } else {
      std::fprintf(stderr, "civicflow-seg: %s\n", reader.status().message().c_str());
      ++unreadable;
    }
    std::fprintf(out, "%s\t%s\t%llu\t%s\t%s\t%llu\n", f.table.c_str(), f.date.c_str(),
                 static_cast<unsigned long long>(f.epoch), ShardText(f).c_str(), rows.c_str(),
                 static_cast<unsigned long long>(FileBytes(f.path)));
  }
  if (unreadable > 0) return Status::Error(std::to_string(unreadable) + " files have an unreadable footer");
  return {};
}

Status CatRows(const Selection& selection, RowFormat format, std::FILE* out) {
  Result<std::vector<SegmentFile>> files = LiveFiles(selection);
  if (!files.ok()) return files.status();
  if (files->empty())
    return Status::Error("no live segment files of table '" + selection.table + "'" +
                         (selection.date.empty() ? "" : " on " + selection.date) + " under " +
                         storage::SegmentsDir(selection.data_dir).string());
  std::optional<std::vector<storage::parquet::ColumnSpec>> schema;
  std::string first_path;
  std::string text;
  std::vector<std::vector<Value>> columns;
  for (const SegmentFile& f : *files) {
    Result<std::unique_ptr<ParquetReader>> opened = ParquetReader::Open(f.path);
    if (!opened.ok()) return opened.status();
    ParquetReader& reader = **opened;
    const auto& specs = reader.columns();
    if (!schema) {
      schema = specs;
      first_path = f.path.string();
      if (format == RowFormat::kCsv) {
        for (size_t c = 0; c < specs.size(); ++c) {
          if (c > 0) text.push_back(',');
          AppendCsvText(specs[c].name, &text);
        }
        text.push_back('\n');
      }
    } else if (!SameSchema(*schema, specs)) {
      return Status::Error(f.path.string() + ": schema " + SchemaText(specs) + " differs from " + first_path +
                           "'s " + SchemaText(*schema));
    }
    columns.resize(specs.size());
    for (size_t g = 0; g < reader.row_groups().size(); ++g) {
      for (size_t c = 0; c < specs.size(); ++c) {
        Result<std::vector<Value>> values = reader.ReadColumn(g, c);
        if (!values.ok()) return values.status();
        columns[c] = std::move(*values);
      }
      const size_t rows = static_cast<size_t>(reader.row_groups()[g].num_rows);
      for (size_t c = 0; c < specs.size(); ++c)
        if (columns[c].size() != rows)
          return Status::Error(f.path.string() + ": column '" + specs[c].name + "', row group " +
                               std::to_string(g) + ": " + std::to_string(columns[c].size()) + " values for " +
                               std::to_string(rows) + " rows");
      for (size_t r = 0; r < rows; ++r) {
        if (format == RowFormat::kNdjson) text.push_back('{');
        for (size_t c = 0; c < specs.size(); ++c) {
          if (c > 0) text.push_back(',');
          if (format == RowFormat::kCsv) {
            AppendCsvCell(specs[c].type, columns[c][r], &text);
          } else {
            AppendJsonString(specs[c].name, &text);
            text.push_back(':');
            AppendJsonValue(specs[c].type, columns[c][r], &text);
          }
        }
        if (format == RowFormat::kNdjson) text.push_back('}');
        text.push_back('\n');
        if (text.size() >= (1 << 16)) {
          std::fwrite(text.data(), 1, text.size(), out);
          text.clear();
        }
      }
    }
  }
  std::fwrite(text.data(), 1, text.size(), out);
  if (std::fflush(out) != 0 || std::ferror(out)) return Status::Error("cannot write the rows");
  return {};
}

Status PrintStats(const Selection& selection, std::FILE* out) {
  Result<std::vector<SegmentFile>> files = LiveFiles(selection);
  if (!files.ok()) return files.status();
  struct TableStats {
    uint64_t files = 0, rows = 0, bytes = 0, uncompressed = 0, row_groups = 0;
  };
  std::map<std::string, TableStats> tables;
  for (const SegmentFile& f : *files) {
    Result<std::unique_ptr<ParquetReader>> reader = ParquetReader::Open(f.path);
    if (!reader.ok()) return reader.status();
    TableStats& t = tables[f.table];
    ++t.files;
    t.rows += static_cast<uint64_t>((*reader)->num_rows());
    t.bytes += FileBytes(f.path);
    t.row_groups += (*reader)->row_groups().size();
    for (const auto& group : (*reader)->row_groups())
      for (const auto& chunk : group.columns)
        t.uncompressed += static_cast<uint64_t>(chunk.total_uncompressed_size);
  }
  const auto line = [out](const std::string& name, const TableStats& t) {
    char ratio[32] = "-";
    if (t.bytes > 0)
      std::snprintf(ratio, sizeof ratio, "%.2f",
                    static_cast<double>(t.uncompressed) / static_cast<double>(t.bytes));
    std::fprintf(out, "%s\t%llu\t%llu\t%llu\t%llu\t%s\t%llu\n", name.c_str(),
                 static_cast<unsigned long long>(t.files), static_cast<unsigned long long>(t.rows),
                 static_cast<unsigned long long>(t.bytes), static_cast<unsigned long long>(t.uncompressed),
                 ratio, static_cast<unsigned long long>(t.row_groups));
  };
  std::fprintf(out, "table\tfiles\trows\tbytes\tuncompressed_bytes\tratio\trow_groups\n");
  TableStats total;
  for (const auto& [name, t] : tables) {
    line(name, t);
    total.files += t.files;
    total.rows += t.rows;
    total.bytes += t.bytes;
    total.uncompressed += t.uncompressed;
    total.row_groups += t.row_groups;
  }
  line("total", total);
  return {};
}

Result<VerifyReport> VerifySegments(const Selection& selection, bool allow_empty, std::FILE* out) {
  VerifyReport report;
  const auto problem = [&](const fs::path& path, const std::string& message) {
    std::fprintf(out, "%s: %s\n", path.c_str(), message.c_str());
    ++report.problems;
  };
  // Names first: everything under segments/ must be a segment (or one being written).
  const fs::path root = selection.table.empty() ? storage::SegmentsDir(selection.data_dir)
                                                : storage::SegmentsDir(selection.data_dir) / selection.table;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (it->path().extension() == ".tmp") {
      ++report.in_progress;
    } else if (!storage::ParseSegmentPath(it->path())) {
      problem(it->path(),
              "not a segment file (expected <table>/date=YYYY-MM-DD/part-<epoch>-<shard>.parquet "
              "or compact-<epoch>.parquet)");
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::Error("cannot list " + root.string() + ": " + ec.message());

  Result<storage::SegmentListing> listing = storage::ListSegments(selection.data_dir, selection.table);
  if (!listing.ok()) return listing.status();
  report.superseded = listing->superseded.size();
  struct FirstSchema {
    std::string path;
    std::vector<storage::parquet::ColumnSpec> columns;
  };
  std::map<std::string, FirstSchema> schemas;  // table → its first readable file's schema
  for (const SegmentFile& f : listing->live) {
    ++report.files;
    Result<std::unique_ptr<ParquetReader>> reader = ParquetReader::Open(f.path);
    if (!reader.ok()) {
      ++report.problems;
      std::fprintf(out, "%s\n", reader.status().message().c_str());  // "path: …" already
      continue;
    }
    if (Status verified = (*reader)->Verify(); !verified.ok()) {
      ++report.problems;
      std::fprintf(out, "%s\n", verified.message().c_str());
    }
    report.rows += static_cast<uint64_t>((*reader)->num_rows());
    if ((*reader)->num_rows() == 0 && !allow_empty) problem(f.path, "no rows (--allow-empty accepts that)");
    const auto [first, inserted] =
        schemas.try_emplace(f.table, FirstSchema{f.path.string(), (*reader)->columns()});
    if (!inserted && !SameSchema(first->second.columns, (*reader)->columns()))
      problem(f.path, "schema " + SchemaText((*reader)->columns()) + " differs from " + first->second.path +
                          "'s " + SchemaText(first->second.columns));
  }
  return report;
}

}  // namespace civicflow::seg
