#include "storage/csv_writer.h"

namespace civicflow::storage {

constexpr size_t kSpillBytes = 64 << 10;

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(FileSystem& fs, const std::filesystem::path& path,
                                                     std::span<const std::string_view> columns) {
  if (Status s = fs.Remove(path); !s.ok()) return s;
  Result<std::unique_ptr<AppendFile>> file = fs.OpenAppend(path);
  if (!file.ok()) return file.status();
  std::unique_ptr<CsvWriter> writer(new CsvWriter(std::move(*file)));
  writer->Row(columns);
  writer->rows_ = 0;
  return writer;
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Resume(FileSystem& fs, const std::filesystem::path& path,
                                                     uint64_t length) {
  if (Status s = fs.Truncate(path, length); !s.ok()) return s;
  Result<std::unique_ptr<AppendFile>> file = fs.OpenAppend(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(*file)));
}

CsvWriter::~CsvWriter() { Close(); }

void CsvWriter::Cell(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    buffer_ += cell;
    return;
  }
  buffer_ += '"';
  for (char c : cell) {
    if (c == '"') buffer_ += '"';
    buffer_ += c;
  }
  buffer_ += '"';
}

void CsvWriter::Row(std::span<const std::string_view> cells) {
  if (muted_) return;
  bool first = true;
  for (std::string_view cell : cells) {
    if (!first) buffer_ += ',';
    first = false;
    Cell(cell);
  }
  buffer_ += '\n';
  ++rows_;
  if (buffer_.size() >= kSpillBytes) Spill();
}

void CsvWriter::Spill() {
  if (error_.ok() && !buffer_.empty()) error_ = file_->Append(buffer_);
  buffer_.clear();
}

Status CsvWriter::Sync() {
  Spill();
  if (error_.ok()) error_ = file_->Sync();
  return error_;
}

Status CsvWriter::Close() {
  if (!file_) return error_;
  Status status = Sync();
  file_.reset();
  return status;
}

}  // namespace civicflow::storage
