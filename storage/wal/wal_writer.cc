#include "storage/wal/wal_writer.h"

namespace civicflow::storage {

Result<std::unique_ptr<WalWriter>> WalWriter::Open(FileSystem& fs, std::filesystem::path wal_dir,
                                                   WalPosition end, const WalOptions& options) {
  // Continue in the file that ends at `end`, or start one there.
  Result<std::vector<std::string>> names = fs.List(wal_dir);
  if (!names.ok()) return names.status();
  std::unique_ptr<WalWriter> writer(new WalWriter(fs, wal_dir, end, options));
  std::filesystem::path current = wal_dir / WalFileName(end);
  for (const std::string& name : *names)
    if (name.ends_with(".wal") && name <= WalFileName(end)) current = wal_dir / name;
  Result<std::unique_ptr<AppendFile>> file = fs.OpenAppend(current);
  if (!file.ok()) return file.status();
  if (Status s = fs.SyncDir(wal_dir); !s.ok()) return s;
  writer->file_ = std::move(*file);
  writer->committer_ = std::thread([w = writer.get()] { w->CommitLoop(); });
  return writer;
}

WalWriter::WalWriter(FileSystem& fs, std::filesystem::path wal_dir, WalPosition end,
                     const WalOptions& options)
    : fs_(fs), dir_(std::move(wal_dir)), options_(options), written_(end), appended_(end) {}

WalWriter::~WalWriter() { Close(); }

void WalWriter::Append(FrameType type, std::string_view payload, OnDurable on_durable) {
  std::lock_guard lock(mu_);
  AppendFrame(type, payload, pending_);
  appended_.bytes += kFrameHeaderBytes + payload.size();
  waiters_.push_back(Waiter{std::move(on_durable), nullptr, appended_});
  ++stats_.frames;
  wake_.notify_one();
}

void WalWriter::Then(std::function<void(WalPosition end)> task) {
  std::lock_guard lock(mu_);
  waiters_.push_back(Waiter{nullptr, std::move(task), appended_});
  wake_.notify_one();
}

void WalWriter::Close() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    wake_.notify_one();
  }
  if (committer_.joinable()) committer_.join();
}

WalStats WalWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Status WalWriter::Write(const std::string& bytes) {
  if (!failure_.ok()) return failure_;
  if (bytes.empty()) return {};
  if (Status s = file_->Append(bytes); !s.ok()) return failure_ = s;
  const auto start = std::chrono::steady_clock::now();
  if (Status s = file_->Sync(); !s.ok()) return failure_ = s;
  if (options_.on_sync) options_.on_sync(std::chrono::steady_clock::now() - start);
  return {};
}

void WalWriter::CommitLoop() {
  std::string writing;
  std::vector<Waiter> done;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return !waiters_.empty() || closing_; });
      if (waiters_.empty()) break;
      writing.swap(pending_);
      done.swap(waiters_);
    }
    // Rotation: a round never straddles files, so each file ends on a frame;
    // the full file's last round synced it.
    if (failure_.ok() && !writing.empty() && file_->size() >= options_.file_bytes) {
      Result<std::unique_ptr<AppendFile>> next = fs_.OpenAppend(dir_ / WalFileName(written_));
      if (!next.ok())
        failure_ = next.status();
      else if (Status s = fs_.SyncDir(dir_); !s.ok())
        failure_ = s;
      else
        file_ = std::move(*next);
    }
    const Status status = Write(writing);
    written_.bytes += writing.size();
    {
      std::lock_guard lock(mu_);
      stats_.bytes += status.ok() ? writing.size() : 0;
      stats_.syncs += !writing.empty() && status.ok();
      for (const Waiter& w : done) stats_.failures += w.on_durable && !status.ok();
    }
    for (Waiter& w : done) {
      if (w.on_durable)
        w.on_durable(status, w.end);
      else
        w.task(w.end);
    }
    writing.clear();
    done.clear();
  }
}

}  // namespace civicflow::storage
