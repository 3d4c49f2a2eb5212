#pragma once
// SegmentMaintenance: the background thread of `civicflow serve` that
// compacts the data dir's segments and applies the retention
// (storage/segments/compaction.h) every interval. Owned by RunServe, which
// stops it before the final checkpoint. Safe beside the engine publishing
// new epochs: compaction only touches final epochs. It competes for
// DIR/compact.lock like any compaction: a run that finds it held (a
// `civicflow-seg compact` in progress) is skipped, and the next interval
// tries again. Logs one line to stderr per run that merged or deleted
// something, or failed; nothing otherwise.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace civicflow {

struct SegmentMaintenanceOptions {
  std::filesystem::path data_dir;
  std::chrono::milliseconds interval{300'000};  // zero: never runs
  std::optional<uint32_t> retention_days;       // nullopt: keep forever
  uint32_t min_files = 4;
};

class SegmentMaintenance {
 public:
  // Starts the thread (unless the interval is zero); the first run is one
  // interval from now.
  explicit SegmentMaintenance(SegmentMaintenanceOptions options);
  ~SegmentMaintenance();  // Stop()
  SegmentMaintenance(const SegmentMaintenance&) = delete;
  SegmentMaintenance& operator=(const SegmentMaintenance&) = delete;

  // Wakes the thread and joins it; a run in progress stops after the
  // partition it is merging (the rest waits for the next start). Idempotent.
  void Stop();
  uint64_t runs() const { return runs_.load(); }  // compactions attempted

 private:
  void Loop();
  void RunOnce();

  const SegmentMaintenanceOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> runs_{0};
  std::thread thread_;
};

}  // namespace civicflow
