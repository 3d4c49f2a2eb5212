#include "storage/segments/segment_tables.h"

#include <algorithm>

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

// One shard's open files, by table and day.
struct SegmentTables::ShardFiles {
  struct OpenFile {
    std::string table, date;
    std::unique_ptr<parquet::ParquetWriter> writer;
  };
  std::vector<OpenFile> open;
  Status error;
};

// A table's text rows, into the file of each row's day.
class SegmentTables::TextSink final : public TableSink {
 public:
  TextSink(SegmentTables& owner, const TableLayout& table, uint32_t shard)
      : owner_(owner),
        table_(table),
        columns_(ParquetColumns(table)),
        partition_(table.PartitionColumn()),
        shard_(shard) {
    options_.row_group_rows = kRowGroupRows;
  }

  void Row(std::span<const std::string_view> cells) override {
    if (owner_.muted_) return;
    std::string_view date = cells[partition_].substr(0, 10);
    if (date.size() != 10) date = "1970-01-01";  // no time at all: the epoch's day
    // The file of the previous row, unless the day or the epoch changed.
    if (date != date_ || epoch_ != owner_.epoch_) {
      file_ = owner_.ShardFile(shard_, table_.name, columns_, options_, date);
      date_ = date;
      epoch_ = owner_.epoch_;
    }
    if (file_ == nullptr) return;
    if (Status s = file_->AppendTextRow(cells); !s.ok())
      owner_.Fail(shard_, Status::Error(std::string(table_.name) + ": " + s.message()));
    ++rows_;
  }
  uint64_t rows() const { return rows_; }

 private:
  SegmentTables& owner_;
  const TableLayout table_;  // views into the owner's static storage
  const std::vector<parquet::ColumnSpec> columns_;
  const size_t partition_;
  const uint32_t shard_;
  parquet::ParquetWriterOptions options_;
  std::string date_;
  uint64_t epoch_ = 0;
  parquet::ParquetWriter* file_ = nullptr;
  uint64_t rows_ = 0;
};

parquet::ParquetWriter* SegmentTables::ShardFile(uint32_t shard, std::string_view table,
                                                 const std::vector<parquet::ColumnSpec>& columns,
                                                 const parquet::ParquetWriterOptions& options,
                                                 std::string_view date) {
  ShardFiles& files = *shards_[shard];
  for (ShardFiles::OpenFile& open : files.open)
    if (open.date == date && open.table == table) return open.writer.get();
  if (!files.error.ok()) return nullptr;
  const std::filesystem::path dir = PartitionDir(data_dir_, table, date);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto writer = parquet::ParquetWriter::Create(dir / PartFileName(epoch_, shard), columns, options);
  if (!writer.ok()) {
    files.error = writer.status();
    return nullptr;
  }
  files.open.push_back({std::string(table), std::string(date), std::move(*writer)});
  return files.open.back().writer.get();
}

void SegmentTables::Fail(uint32_t shard, Status status) {
  if (shards_[shard]->error.ok()) shards_[shard]->error = std::move(status);
}

Result<std::unique_ptr<SegmentTables>> SegmentTables::Open(const std::filesystem::path& data_dir,
                                                           std::span<const TableLayout> tables,
                                                           uint32_t shards, uint64_t final_epoch,
                                                           bool manifests) {
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
  out->manifests_ = manifests;
  for (uint32_t shard = 0; shard < shards; ++shard) {
    out->shards_.push_back(std::make_unique<ShardFiles>());
    for (const TableLayout& table : tables)
      out->sinks_.push_back(std::make_unique<TextSink>(*out, table, shard));
  }
  return out;
}

SegmentTables::SegmentTables(std::filesystem::path data_dir, uint64_t epoch)
    : data_dir_(std::move(data_dir)), epoch_(epoch), published_epoch_(epoch - 1) {}

SegmentTables::~SegmentTables() = default;

TableSink* SegmentTables::Sink(uint32_t shard, size_t table) { return sinks_[shard * tables_ + table].get(); }

Result<uint64_t> SegmentTables::Publish() {
  Status first;
  const auto keep = [&first](Status s) {
    if (!s.ok() && first.ok()) first = std::move(s);
  };
  std::vector<std::filesystem::path> dirs;  // of published files: their renames must be durable too
  std::string manifest;
  for (uint32_t shard = 0; shard < shards_.size(); ++shard) {
    ShardFiles* files = shards_[shard].get();
    keep(files->error);
    for (ShardFiles::OpenFile& open : files->open) {
      Result<parquet::ParquetFileStats> closed = open.writer->Close();
      if (!closed.ok())
        keep(closed.status());
      else
        published_bytes_.fetch_add(closed->bytes, std::memory_order_relaxed);
      const std::filesystem::path dir = PartitionDir(data_dir_, open.table, open.date);
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
      manifest += "segments/" + open.table + "/date=" + open.date + "/" + PartFileName(epoch_, shard) + "\n";
    }
    files->open.clear();
  }
  for (const std::filesystem::path& dir : dirs) keep(FileSystem::Posix().SyncDir(dir));
  if (manifests_ && first.ok()) {
    std::error_code ec;
    std::filesystem::create_directories(EpochManifestPath(data_dir_, epoch_).parent_path(), ec);
    keep(FileSystem::Posix().WriteAtomically(EpochManifestPath(data_dir_, epoch_), manifest));
  }
  if (!first.ok()) return first;
  published_epoch_.store(epoch_, std::memory_order_relaxed);
  return epoch_++;
}

uint64_t SegmentTables::rows() const {
  uint64_t rows = 0;
  for (const auto& sink : sinks_) rows += sink->rows();
  return rows;
}

}  // namespace civicflow::storage
