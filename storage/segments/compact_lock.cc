#include "storage/segments/compact_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace civicflow::storage {

std::filesystem::path CompactLockPath(const std::filesystem::path& data_dir) {
  return data_dir / "compact.lock";
}

Result<CompactLock> CompactLock::TryAcquire(const std::filesystem::path& data_dir) {
  const std::filesystem::path path = CompactLockPath(data_dir);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("cannot open " + path.string() + ": " + std::strerror(errno));
  int locked = 0;
  do {
    locked = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return Status::Error("another compaction is running on " + data_dir.string() + " (it holds " +
                           path.string() + "); try again when it has finished");
    return Status::Error("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  return CompactLock(fd);
}

CompactLock& CompactLock::operator=(CompactLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

CompactLock::~CompactLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace civicflow::storage
