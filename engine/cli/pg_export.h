#pragma once
// PgExport: `--pg URL`. PostgreSQL follows the data dir's durable segments
// (storage/pg/segment_batch_source.h): a thread connects — retrying while
// PostgreSQL is unreachable, so ingest never waits for it — and then a
// PgFollower applies every final epoch in order, each in one transaction
// with its position. A database follows one data dir: one whose applied
// position is beyond this dir's last epoch is refused. Owned by the
// command's main thread.
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg/pg_follower.h"
#include "storage/pg/segment_batch_source.h"

namespace civicflow {

class PgExport {
 public:
  PgExport(std::string url, std::filesystem::path data_dir);
  ~PgExport();  // Stop()

  // Waits until PostgreSQL holds every final epoch; false once `patience`
  // passes without an epoch applied (it is down: it catches up on the next
  // start). A long backlog that PostgreSQL is working through is waited for.
  bool WaitCaughtUp(std::chrono::milliseconds patience);
  void Stop();
  // Why the export is not following ("" while it is, or still connecting).
  std::string problem() const;
  // For metrics: `up` while connected and the last apply succeeded; `lag`
  // in epochs known but not yet applied (0 before connecting).
  struct Health {
    bool up = false;
    uint64_t lag = 0;
  };
  Health health() const;

 private:
  void Connect();

  const std::string url_;
  const std::filesystem::path data_dir_;
  std::vector<storage::TableLayout> tables_;
  storage::SegmentBatchSource source_;
  mutable std::mutex mu_;
  std::condition_variable stopping_;
  bool stop_ = false;
  std::string problem_;
  std::unique_ptr<storage::PgFollower> follower_;
  std::thread connector_;
};

}  // namespace civicflow
