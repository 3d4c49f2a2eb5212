#pragma once
// OutputFile: where a writer's bytes go — the one seam between Parquet
// encoding and the file system, so tests can inject a short write or a failed
// fsync. Owned and used by one thread.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace civicflow::storage::parquet {

class OutputFile {
 public:
  virtual ~OutputFile() = default;
  // Appends all of `bytes`, or fails (a short write is a failure).
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Sync() = 0;
  // Publishes the file; nothing may be written after it.
  virtual Status Close() = 0;
  // For error messages.
  virtual const std::string& name() const = 0;
};

// A POSIX file written as `path.tmp` and renamed to `path` by Close() (after
// the caller's Sync()), so readers never see a half-written file. Creates
// parent directories. A file never closed is removed by the destructor.
Result<std::unique_ptr<OutputFile>> CreatePosixOutputFile(const std::filesystem::path& path);

// Bytes kept in memory (tests, benchmarks, building a file to send elsewhere).
class MemoryOutputFile final : public OutputFile {
 public:
  explicit MemoryOutputFile(std::string name = "memory") : name_(std::move(name)) {}
  Status Write(std::string_view bytes) override {
    bytes_.append(bytes);
    return {};
  }
  Status Sync() override { return {}; }
  Status Close() override { return {}; }
  const std::string& name() const override { return name_; }
  const std::string& bytes() const { return bytes_; }
  std::string& mutable_bytes() { return bytes_; }

 private:
  std::string name_;
  std::string bytes_;
};

}  // namespace civicflow::storage::parquet
