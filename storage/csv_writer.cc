#include "storage/csv_writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace civicflow::storage {

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(const std::string& path,
                                                   std::span<const std::string_view> columns) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return Status::Error("cannot create " + path + ": " + std::strerror(errno));
  std::unique_ptr<CsvWriter> writer(new CsvWriter(file));
  writer->Row(columns);
  writer->rows_ = 0;
  return writer;
}

CsvWriter::~CsvWriter() { Close(); }

void CsvWriter::Cell(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    line_ += cell;
    return;
  }
  line_ += '"';
  for (char c : cell) {
    if (c == '"') line_ += '"';
    line_ += c;
  }
  line_ += '"';
}

void CsvWriter::Row(std::span<const std::string_view> cells) {
  line_.clear();
  bool first = true;
  for (std::string_view cell : cells) {
    if (!first) line_ += ',';
    first = false;
    Cell(cell);
  }
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
  ++rows_;
}

Status CsvWriter::Close() {
  if (!file_) return {};
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  return ok ? Status() : Status::Error(std::string("close failed: ") + std::strerror(errno));
}

}  // namespace civicflow::storage
