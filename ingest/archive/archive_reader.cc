#include "ingest/archive/archive_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace civicflow::ingest {

Result<ArchiveReader> ArchiveReader::Open(const std::string& path, size_t block_bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  return ArchiveReader(file, path, block_bytes);
}

ArchiveReader::ArchiveReader(ArchiveReader&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      block_bytes_(other.block_bytes_),
      carry_(std::move(other.carry_)),
      eof_(other.eof_) {}

ArchiveReader::~ArchiveReader() {
  if (file_) std::fclose(file_);
}

bool ArchiveReader::Next(std::vector<char>& block, size_t& length) {
  if (eof_ && carry_.empty()) return false;
  block.resize(std::max(block_bytes_, carry_.size() * 2) + simdjson::SIMDJSON_PADDING);
  std::memcpy(block.data(), carry_.data(), carry_.size());
  length = carry_.size();
  carry_.clear();
  for (;;) {
    if (!eof_) {
      const size_t want = block.size() - simdjson::SIMDJSON_PADDING - length;
      const size_t got = std::fread(block.data() + length, 1, want, file_);
      length += got;
      if (got < want) eof_ = true;
    }
    const char* end = block.data() + length;
    const auto* last_newline = static_cast<const char*>(memrchr(block.data(), '\n', length));
    if (last_newline || eof_) {
      const size_t keep = eof_ ? length : static_cast<size_t>(last_newline - block.data()) + 1;
      carry_.assign(block.data() + keep, static_cast<size_t>(end - (block.data() + keep)));
      length = keep;
      break;
    }
    block.resize(block.size() * 2);  // a line longer than the block: grow
  }
  std::memset(block.data() + length, 0, simdjson::SIMDJSON_PADDING);
  return length > 0 || !(eof_ && carry_.empty());
}

}  // namespace civicflow::ingest
