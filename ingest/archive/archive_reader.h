#pragma once
// ArchiveReader: reads an NDJSON archive file in blocks of whole lines.
// Each block is padded for simdjson so lines can be parsed in place.
// Owned by the single reading stage.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::ingest {

class ArchiveReader {
 public:
  static Result<ArchiveReader> Open(const std::string& path, size_t block_bytes = 4 << 20);
  ArchiveReader(ArchiveReader&& other) noexcept;
  ~ArchiveReader();

  // Replaces `block` with the next run of complete lines followed by
  // SIMDJSON_PADDING zero bytes; `length` excludes the padding. Returns false
  // at end of file.
  bool Next(std::vector<char>& block, size_t& length);
  const std::string& path() const { return path_; }

 private:
  ArchiveReader(std::FILE* file, std::string path, size_t block_bytes)
      : file_(file), path_(std::move(path)), block_bytes_(block_bytes) {}
  std::FILE* file_;
  std::string path_;
  size_t block_bytes_;
  std::string carry_;  // partial last line of the previous read
  bool eof_ = false;
};

}  // namespace civicflow::ingest
