#pragma once
// FaultyFileSystem: the real file system with faults switched on by a test:
// the next fsyncs fail, or writes stop short after a byte budget (a crash
// mid-write leaves exactly those bytes). Thread-safe switches.
#include <atomic>

#include "storage/file_system.h"

namespace civicflow::testing {

class FaultyFileSystem final : public storage::FileSystem {
 public:
  std::atomic<int> failing_syncs{0};      // this many Sync() calls fail
  std::atomic<int64_t> write_budget{-1};  // bytes still writable; -1: unlimited

  Result<std::unique_ptr<storage::AppendFile>> OpenAppend(const std::filesystem::path& path) override {
    auto file = posix_.OpenAppend(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<storage::AppendFile>(new File(*this, std::move(*file)));
  }
  Result<std::string> ReadFile(const std::filesystem::path& p) override { return posix_.ReadFile(p); }
  Status Truncate(const std::filesystem::path& p, uint64_t size) override { return posix_.Truncate(p, size); }
  Status WriteAtomically(const std::filesystem::path& p, std::string_view c) override {
    return posix_.WriteAtomically(p, c);
  }
  Result<std::vector<std::string>> List(const std::filesystem::path& d) override { return posix_.List(d); }
  Status Remove(const std::filesystem::path& p) override { return posix_.Remove(p); }
  Status SyncDir(const std::filesystem::path& d) override { return posix_.SyncDir(d); }

 private:
  class File final : public storage::AppendFile {
   public:
    File(FaultyFileSystem& fs, std::unique_ptr<storage::AppendFile> real) : fs_(fs), real_(std::move(real)) {}
    Status Append(std::string_view bytes) override {
      const int64_t budget = fs_.write_budget.load();
      if (budget >= 0 && static_cast<int64_t>(bytes.size()) > budget) {
        (void)real_->Append(bytes.substr(0, static_cast<size_t>(budget)));
        fs_.write_budget = 0;
        return Status::Error("short write (injected)");
      }
      if (budget >= 0) fs_.write_budget -= static_cast<int64_t>(bytes.size());
      return real_->Append(bytes);
    }
    Status Sync() override {
      if (fs_.failing_syncs.load() > 0) {
        --fs_.failing_syncs;
        return Status::Error("fsync failed (injected)");
      }
      return real_->Sync();
    }
    uint64_t size() const override { return real_->size(); }

   private:
    FaultyFileSystem& fs_;
    std::unique_ptr<storage::AppendFile> real_;
  };
  storage::FileSystem& posix_ = storage::FileSystem::Posix();
};

}  // namespace civicflow::testing
