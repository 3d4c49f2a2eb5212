#pragma once
// FileSystem: every file access of the durable paths (WAL, checkpoints,
// table parts) goes through this small interface, so tests can inject a
// failed fsync, a short write or a torn file (tests/storage/faulty_file_system.h).
// Posix() is thread-safe; an AppendFile is used by one thread at a time.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::storage {

class AppendFile {
 public:
  virtual ~AppendFile() = default;
  // Writes all of `bytes` at the end of the file (a short write is an error).
  virtual Status Append(std::string_view bytes) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual uint64_t size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  static FileSystem& Posix();

  // Opens `path` for appending, creating it (and its directory) if missing.
  virtual Result<std::unique_ptr<AppendFile>> OpenAppend(const std::filesystem::path& path) = 0;
  // The whole file; an error if it cannot be read.
  virtual Result<std::string> ReadFile(const std::filesystem::path& path) = 0;
  // Cuts `path` to `size` bytes and makes that durable.
  virtual Status Truncate(const std::filesystem::path& path, uint64_t size) = 0;
  // Replaces `path` with `contents` so that a crash leaves either the old or
  // the new file: temp file, fsync, rename, directory fsync. Creates the
  // directory if missing.
  virtual Status WriteAtomically(const std::filesystem::path& path, std::string_view contents) = 0;
  // Names of the regular files in `dir`, sorted; empty if `dir` is missing.
  virtual Result<std::vector<std::string>> List(const std::filesystem::path& dir) = 0;
  virtual Status Remove(const std::filesystem::path& path) = 0;
  // Makes the directory's entries (created, renamed files) durable.
  virtual Status SyncDir(const std::filesystem::path& dir) = 0;
};

}  // namespace civicflow::storage
