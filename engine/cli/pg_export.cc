#include "engine/cli/pg_export.h"

#include <cstdio>

#include "operators/tables.h"
#include "storage/checkpoint.h"
#include "storage/file_system.h"

namespace civicflow {
namespace {

std::vector<storage::TableLayout> OutputTables() {
  std::vector<storage::TableLayout> tables;
  for (size_t t = 0; t < operators::kTableCount; ++t)
    tables.push_back(operators::Schema(static_cast<operators::Table>(t)));
  return tables;
}

uint64_t FinalEpoch(const std::filesystem::path& data_dir) {
  auto checkpoint = storage::LoadCheckpoint(storage::FileSystem::Posix(), data_dir);
  return checkpoint.ok() && *checkpoint ? (*checkpoint)->epoch : 0;
}

}  // namespace

PgExport::PgExport(std::string url, std::filesystem::path data_dir)
    : url_(std::move(url)),
      data_dir_(std::move(data_dir)),
      tables_(OutputTables()),
      source_(data_dir_, tables_) {
  // Until PostgreSQL says how far it got, nothing may be compacted away.
  if (!std::filesystem::exists(data_dir_ / "pg_hold")) (void)storage::SegmentBatchSource::Hold(data_dir_, 0);
  connector_ = std::thread([this] { Connect(); });
}

PgExport::~PgExport() { Stop(); }

void PgExport::Connect() {
  std::chrono::milliseconds backoff(100);
  for (;;) {
    Result<storage::PgSink> sink = storage::PgSink::Connect(url_, tables_);
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (sink.ok()) {
      if (sink->applied_position() > FinalEpoch(data_dir_)) {
        problem_ = "PostgreSQL has applied position " + std::to_string(sink->applied_position()) +
                   ", beyond this data dir's last epoch: it follows another data dir";
        std::fprintf(stderr, "civicflow: --pg: %s\n", problem_.c_str());
        return;
      }
      problem_.clear();
      follower_ = std::make_unique<storage::PgFollower>(std::move(*sink), source_);
      return;
    }
    if (problem_ != sink.status().message()) {
      problem_ = sink.status().message();
      std::fprintf(stderr, "civicflow: --pg: %s (retrying)\n", problem_.c_str());
    }
    stopping_.wait_for(lock, backoff, [this] { return stop_; });
    if (stop_) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

bool PgExport::WaitCaughtUp(std::chrono::milliseconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  const uint64_t final_epoch = FinalEpoch(data_dir_);
  uint64_t applied = 0;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (follower_) {
        follower_->Notify();
        const uint64_t now_applied = follower_->applied_position();
        if (now_applied >= final_epoch) return true;
        if (now_applied > applied) {
          applied = now_applied;
          deadline = std::chrono::steady_clock::now() + patience;
        }
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void PgExport::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stopping_.notify_all();
  if (connector_.joinable()) connector_.join();
  if (follower_) follower_->Stop();
}

std::string PgExport::problem() const {
  std::lock_guard lock(mu_);
  if (follower_ && follower_->failing()) return follower_->last_error();
  return problem_;
}

PgExport::Health PgExport::health() const {
  std::lock_guard lock(mu_);
  if (!follower_) return {};
  return {!follower_->failing(), follower_->lag()};
}

}  // namespace civicflow
