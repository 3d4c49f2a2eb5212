#include "storage/file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace civicflow::storage {
namespace {

Status Errno(std::string_view what, const std::filesystem::path& path) {
  return Status::Error(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

class PosixAppendFile final : public AppendFile {
 public:
  PosixAppendFile(int fd, std::filesystem::path path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixAppendFile() override { ::close(fd_); }

  Status Append(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Errno("cannot write", path_);
      bytes.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return {};
  }
  Status Sync() override { return ::fdatasync(fd_) == 0 ? Status() : Errno("cannot fsync", path_); }
  uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::filesystem::path path_;
  uint64_t size_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<AppendFile>> OpenAppend(const std::filesystem::path& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("cannot open", path);
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size < 0) {
      ::close(fd);
      return Errno("cannot seek", path);
    }
    return std::unique_ptr<AppendFile>(new PosixAppendFile(fd, path, static_cast<uint64_t>(size)));
  }

  Result<std::string> ReadFile(const std::filesystem::path& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open", path);
    std::string out;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status error = Errno("cannot read", path);
        ::close(fd);
        return error;
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Status Truncate(const std::filesystem::path& path, uint64_t size) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open", path);
    const bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 && ::fsync(fd) == 0;
    Status status = ok ? Status() : Errno("cannot truncate", path);
    ::close(fd);
    return status;
  }

  Status WriteAtomically(const std::filesystem::path& path, std::string_view contents) override {
    std::filesystem::path temp = path;
    temp += ".tmp";
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    {
      const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) return Errno("cannot create", temp);
      PosixAppendFile file(fd, temp, 0);
      if (Status s = file.Append(contents); !s.ok()) return s;
      if (Status s = file.Sync(); !s.ok()) return s;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) return Errno("cannot rename onto", path);
    return SyncDir(path.parent_path());
  }

  Result<std::vector<std::string>> List(const std::filesystem::path& dir) override {
    std::vector<std::string> names;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
      if (it->is_regular_file()) names.push_back(it->path().filename().string());
    if (ec && ec != std::errc::no_such_file_or_directory)
      return Status::Error("cannot list " + dir.string() + ": " + ec.message());
    std::sort(names.begin(), names.end());
    return names;
  }

  Status Remove(const std::filesystem::path& path) override {
    return ::unlink(path.c_str()) == 0 || errno == ENOENT ? Status() : Errno("cannot remove", path);
  }

  Status SyncDir(const std::filesystem::path& dir) override {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open directory", dir);
    const bool ok = ::fsync(fd) == 0;
    Status status = ok ? Status() : Errno("cannot fsync directory", dir);
    ::close(fd);
    return status;
  }
};

}  // namespace

FileSystem& FileSystem::Posix() {
  static PosixFileSystem posix;
  return posix;
}

}  // namespace civicflow::storage
