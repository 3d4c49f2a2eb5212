#include "engine/cli/segment_maintenance.h"

#include <cstdio>

#include "engine/base/local_time.h"
#include "storage/checkpoint.h"
#include "storage/segments/compaction.h"

namespace civicflow {

SegmentMaintenance::SegmentMaintenance(SegmentMaintenanceOptions options) : options_(std::move(options)) {
  if (options_.interval.count() > 0) thread_ = std::thread([this] { Loop(); });
}

SegmentMaintenance::~SegmentMaintenance() { Stop(); }

void SegmentMaintenance::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SegmentMaintenance::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, options_.interval, [this] { return stop_.load(); })) {
    lock.unlock();
    RunOnce();
    lock.lock();
  }
}

void SegmentMaintenance::RunOnce() {
  // Before the first checkpoint no epoch is final: nothing to do, nothing to say.
  auto checkpoint = storage::LoadCheckpoint(storage::FileSystem::Posix(), options_.data_dir);
  if (checkpoint.ok() && !*checkpoint) return;
  ++runs_;
  storage::CompactOptions compact;
  compact.data_dir = options_.data_dir;
  compact.min_files = options_.min_files;
  compact.retention_days = options_.retention_days;
  compact.today = LocalTime::FromEpochMillis(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count());
  compact.stop = &stop_;
  Result<storage::CompactReport> report = storage::Compact(compact, nullptr);
  if (!report.ok()) {
    std::fprintf(stderr, "civicflow: segment compaction: %s\n", report.status().message().c_str());
    return;
  }
  const storage::CompactReport& r = *report;
  if (r.partitions_merged == 0 && r.files_deleted == 0 && r.partitions_expired == 0) return;
  std::fprintf(stderr,
               "civicflow: compacted segments of epochs <= %llu: %llu partitions merged (%llu files, %llu "
               "rows), %llu files deleted, %llu partitions expired\n",
               static_cast<unsigned long long>(r.limit), static_cast<unsigned long long>(r.partitions_merged),
               static_cast<unsigned long long>(r.files_merged),
               static_cast<unsigned long long>(r.rows_merged),
               static_cast<unsigned long long>(r.files_deleted),
               static_cast<unsigned long long>(r.partitions_expired));
}

}  // namespace civicflow
