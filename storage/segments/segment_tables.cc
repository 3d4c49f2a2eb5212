#include "storage/segments/segment_tables.h"

#include "storage/file_system.h"
#include "storage/segments/segment_layout.h"

namespace civicflow::storage {
namespace {

// Rows per row group: bounds what an open file buffers.
constexpr uint64_t kRowGroupRows = 64 * 1024;

parquet::ColumnType ParquetType(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return parquet::ColumnType::kString;
    case ColumnType::kInt:
      return parquet::ColumnType::kInt64;
    case ColumnType::kDecimal:
      return parquet::ColumnType::kDouble;
    case ColumnType::kBool:
      return parquet::ColumnType::kBool;
    case ColumnType::kDate:
      return parquet::ColumnType::kDate;
    case ColumnType::kTimestamp:
      return parquet::ColumnType::kTimestamp;
  }
  return parquet::ColumnType::kString;
}

}  // namespace

std::vector<parquet::ColumnSpec> ParquetColumns(const TableLayout& table) {
  std::vector<parquet::ColumnSpec> columns;
  for (size_t c = 0; c < table.columns.size(); ++c)
    columns.push_back({std::string(table.columns[c]), ParquetType(table.types[c]), /*optional=*/true});
  return columns;
}

class SegmentTables::PartitionedSink final : public TableSink {
 public:
  PartitionedSink(const SegmentTables& owner, const TableLayout& table, uint32_t shard)
      : owner_(owner),
        table_(table),
        columns_(ParquetColumns(table)),
        partition_(table.PartitionColumn()),
        shard_(shard) {}

  void Row(std::span<const std::string_view> cells) override {
    if (muted_ || !error_.ok()) return;
    std::string_view date = cells[partition_].substr(0, 10);
    if (date.size() != 10) date = "1970-01-01";  // no time at all: the epoch's day
    parquet::ParquetWriter* file = FileFor(date);
    if (file == nullptr) return;
    if (Status s = file->AppendTextRow(cells); !s.ok())
      error_ = Status::Error(std::string(table_.name) + ": " + s.message());
    ++rows_;
  }

  Status Publish() {
    for (OpenFile& open : files_) {
      Result<parquet::ParquetFileStats> closed = open.writer->Close();
      if (!closed.ok() && error_.ok()) error_ = closed.status();
      // The rename must be durable too.
      const std::filesystem::path dir = PartitionDir(owner_.data_dir_, table_.name, open.date);
      if (Status s = FileSystem::Posix().SyncDir(dir); !s.ok() && error_.ok()) error_ = s;
    }
    files_.clear();
    return error_;
  }

  bool muted_ = false;
  uint64_t rows_ = 0;

 private:
  struct OpenFile {
    std::string date;
    std::unique_ptr<parquet::ParquetWriter> writer;
  };

  parquet::ParquetWriter* FileFor(std::string_view date) {
    for (OpenFile& open : files_)
      if (open.date == date) return open.writer.get();
    const std::filesystem::path dir = PartitionDir(owner_.data_dir_, table_.name, date);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    parquet::ParquetWriterOptions options;
    options.row_group_rows = kRowGroupRows;
    auto writer =
        parquet::ParquetWriter::Create(dir / PartFileName(owner_.epoch_, shard_), columns_, options);
    if (!writer.ok()) {
      error_ = writer.status();
      return nullptr;
    }
    files_.push_back({std::string(date), std::move(*writer)});
    return files_.back().writer.get();
  }

  const SegmentTables& owner_;
  const TableLayout table_;  // views into the owner's static storage
  const std::vector<parquet::ColumnSpec> columns_;
  const size_t partition_;
  const uint32_t shard_;
  std::vector<OpenFile> files_;
  Status error_;
};

Result<std::unique_ptr<SegmentTables>> SegmentTables::Open(const std::filesystem::path& data_dir,
                                                           std::span<const TableLayout> tables,
                                                           uint32_t shards, uint64_t final_epoch) {
  // Unpublished and unfinal files go: what produced them is replayed.
  std::error_code ec;
  const std::filesystem::path root = SegmentsDir(data_dir);
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::optional<SegmentFile> file = ParseSegmentPath(it->path());
    if (it->path().extension() == ".tmp" || (file && file->epoch > final_epoch)) stale.push_back(it->path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::Error("cannot list " + root.string() + ": " + ec.message());
  for (const std::filesystem::path& path : stale)
    if (!std::filesystem::remove(path, ec) && ec) return Status::Error("cannot remove " + path.string());

  std::unique_ptr<SegmentTables> out(new SegmentTables(data_dir, final_epoch + 1));
  out->tables_ = tables.size();
  for (uint32_t shard = 0; shard < shards; ++shard)
    for (const TableLayout& table : tables)
      out->sinks_.push_back(std::make_unique<PartitionedSink>(*out, table, shard));
  return out;
}

SegmentTables::SegmentTables(std::filesystem::path data_dir, uint64_t epoch)
    : data_dir_(std::move(data_dir)), epoch_(epoch) {}

SegmentTables::~SegmentTables() = default;

TableSink* SegmentTables::Sink(uint32_t shard, size_t table) { return sinks_[shard * tables_ + table].get(); }

void SegmentTables::SetMuted(bool muted) {
  for (auto& sink : sinks_) sink->muted_ = muted;
}

Result<uint64_t> SegmentTables::Publish() {
  Status first;
  for (auto& sink : sinks_)
    if (Status s = sink->Publish(); !s.ok() && first.ok()) first = s;
  if (!first.ok()) return first;
  return epoch_++;
}

uint64_t SegmentTables::rows() const {
  uint64_t rows = 0;
  for (const auto& sink : sinks_) rows += sink->rows_;
  return rows;
}

}  // namespace civicflow::storage
