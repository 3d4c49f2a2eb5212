#include "storage/parquet/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace civicflow::storage::parquet {

namespace {

class PosixOutputFile final : public OutputFile {
 public:
  PosixOutputFile(int fd, std::string path) : fd_(fd), path_(std::move(path)), tmp_(path_ + ".tmp") {}
  ~PosixOutputFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }

  Status Write(std::string_view bytes) override {
    if (fd_ < 0) return Status::Error(path_ + ": write after close");
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  Status Sync() override {
    if (fd_ < 0) return Status::Error(path_ + ": sync after close");
    return ::fsync(fd_) == 0 ? Status() : Errno("fsync");
  }

  Status Close() override {
    if (fd_ < 0) return Status::Error(path_ + ": closed twice");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      Status failed = Errno("close");
      ::unlink(tmp_.c_str());
      return failed;
    }
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      Status failed = Errno("rename");
      ::unlink(tmp_.c_str());
      return failed;
    }
    return {};
  }

  const std::string& name() const override { return path_; }

 private:
  Status Errno(const char* what) const {
    return Status::Error(path_ + ": " + what + " failed: " + std::strerror(errno));
  }
  int fd_;
  std::string path_;
  std::string tmp_;
};

}  // namespace

Result<std::unique_ptr<OutputFile>> CreatePosixOutputFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::Error(path.string() + ": cannot create its directory: " + ec.message());
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(tmp + ": cannot create: " + std::strerror(errno));
  return std::unique_ptr<OutputFile>(new PosixOutputFile(fd, path.string()));
}

}  // namespace civicflow::storage::parquet
