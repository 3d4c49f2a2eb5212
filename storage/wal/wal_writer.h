#pragma once
// WalWriter: appends frames to the log with group commit. Any thread
// appends; one commit thread writes everything appended since its last
// round with one write and one fsync, then runs the frames' callbacks in
// append order. While an fsync runs, new frames gather for the next round,
// so the wait for durability is bounded by about two fsyncs and the fsync
// rate falls as load rises. After a failed write or fsync the log is not
// trusted again (the page cache may have dropped the data): every later
// frame fails too, and a restart recovers from what is on disk.
// A file is closed and the next one started once it holds `file_bytes`.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/file_system.h"
#include "storage/wal/wal_format.h"

namespace civicflow::storage {

struct WalOptions {
  uint64_t file_bytes = 64ull << 20;  // rotation size
  // Runs on the commit thread after each successful fdatasync with its
  // duration (metrics); must not block.
  std::function<void(std::chrono::nanoseconds)> on_sync = nullptr;
};

struct WalStats {
  uint64_t frames = 0, bytes = 0, syncs = 0, failures = 0;
};

class WalWriter {
 public:
  // Runs on the commit thread once the frame is durable (ok) or cannot be
  // (error); `end` is the log position just past the frame. Must not append.
  using OnDurable = std::function<void(const Status& status, WalPosition end)>;

  // Continues the log at `end` (from ScanWal, after RepairWal).
  static Result<std::unique_ptr<WalWriter>> Open(FileSystem& fs, std::filesystem::path wal_dir,
                                                 WalPosition end, const WalOptions& options = {});
  ~WalWriter();  // Close()

  // Thread-safe. The frame's callback runs after those of every frame
  // appended before it.
  void Append(FrameType type, std::string_view payload, OnDurable on_durable);
  // Runs `task` on the commit thread after every callback of the frames
  // appended before it (e.g. a checkpoint at a clean cut of the log).
  void Then(std::function<void(WalPosition end)> task);
  // Commits what was appended, runs every callback, stops the commit thread.
  void Close();

  WalStats stats() const;

 private:
  struct Waiter {
    OnDurable on_durable;                   // a frame's
    std::function<void(WalPosition)> task;  // or a task's
    WalPosition end;
  };
  WalWriter(FileSystem& fs, std::filesystem::path wal_dir, WalPosition end, const WalOptions& options);
  void CommitLoop();
  Status Write(const std::string& bytes);

  FileSystem& fs_;
  const std::filesystem::path dir_;
  const WalOptions options_;
  std::unique_ptr<AppendFile> file_;  // commit thread only
  Status failure_;                    // commit thread only; sticky
  WalPosition written_;               // commit thread only: end of what was handed to the file

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::string pending_;  // encoded frames not yet handed to the commit thread
  std::vector<Waiter> waiters_;
  WalPosition appended_;  // end of the last appended frame
  bool closing_ = false;
  WalStats stats_;
  std::thread committer_;
};

}  // namespace civicflow::storage
