#pragma once
// CompactLock: the exclusive flock(2) on DIR/compact.lock that a compaction
// holds for its whole run, so two compactions of one data dir (civicflow-seg
// and a server, or two tools) never run at once. flock rather than a PID
// file: the kernel releases it when its holder exits or crashes, so a stale
// lock cannot outlive a dead process. Nobody waits on it: the tool fails
// fast and the server tries again at its next interval. Move-only; released
// when destroyed.
#include <filesystem>

#include "engine/base/status.h"

namespace civicflow::storage {

class CompactLock {
 public:
  // The lock, or an error saying another compaction holds it (or the file
  // cannot be opened). Creates DIR/compact.lock if absent; never deletes it
  // (deleting would let a second process lock a fresh inode).
  static Result<CompactLock> TryAcquire(const std::filesystem::path& data_dir);

  CompactLock(CompactLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  CompactLock& operator=(CompactLock&& other) noexcept;
  CompactLock(const CompactLock&) = delete;
  CompactLock& operator=(const CompactLock&) = delete;
  ~CompactLock();

 private:
  explicit CompactLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

std::filesystem::path CompactLockPath(const std::filesystem::path& data_dir);

}  // namespace civicflow::storage
