#pragma once
// PgFollower: keeps PostgreSQL following a stream of positioned batches.
//
// Owns the PgSink and one background thread, the only one that touches the
// sink and calls the source. It takes the next batches after the applied
// position from the source, applies them in position order, and when
// PostgreSQL fails keeps the batches it holds and retries with capped
// exponential backoff. The caller is never blocked: the follower falls
// behind while PostgreSQL is down and catches up when it is back.
// Metrics accessors and Notify/Stop are safe from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/pg/pg_sink.h"

namespace civicflow::storage {

// Everything to apply at one position (e.g. one durable checkpoint's outputs).
struct PositionedBatches {
  uint64_t position = 0;
  std::vector<TableRows> batches;
};

// Where the follower reads from; implemented by the owner of the durable
// outputs. Called from the follower's thread only.
class PgBatchSource {
 public:
  virtual ~PgBatchSource() = default;
  // The batches with the smallest position > after_position, or nullopt when
  // there are none yet. Must not block for long (Stop waits for it).
  virtual std::optional<PositionedBatches> Next(uint64_t after_position) = 0;
  // The newest position available, for the lag metric; 0 if unknown.
  virtual uint64_t LatestPosition() { return 0; }
};

struct PgFollowerOptions {
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{5000};
  // How long to wait for Notify() before asking an idle source again.
  std::chrono::milliseconds idle_poll{100};
};

class PgFollower {
 public:
  // Starts the thread. REQUIRES: `source` outlives the follower.
  PgFollower(PgSink sink, PgBatchSource& source, PgFollowerOptions options = {});
  ~PgFollower();  // Stop()
  PgFollower(const PgFollower&) = delete;
  PgFollower& operator=(const PgFollower&) = delete;

  // Wakes an idle thread: new batches are available. Does not cut a backoff short.
  void Notify();
  // Joins the thread; batches not yet applied stay with the source. Idempotent.
  void Stop();

  uint64_t applied_position() const { return applied_.load(std::memory_order_relaxed); }
  // Newest position known (from the source or the batches held).
  uint64_t known_position() const { return known_.load(std::memory_order_relaxed); }
  // Positions known but not yet in PostgreSQL.
  uint64_t lag() const {
    const uint64_t known = known_position();
    const uint64_t applied = applied_position();
    return known > applied ? known - applied : 0;
  }
  // Failed Apply attempts since start.
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  // Whether the last attempt failed, and why.
  bool failing() const { return failing_.load(std::memory_order_relaxed); }
  std::string last_error() const;

 private:
  void Run();
  // Waits up to `timeout` for Stop (and Notify if `wake_on_notify`); false once stopping.
  bool Wait(std::chrono::milliseconds timeout, bool wake_on_notify);
  void NoteKnown(uint64_t position);

  PgSink sink_;  // follower thread only
  PgBatchSource& source_;
  const PgFollowerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;   // guarded by mutex_
  bool notified_ = false;   // guarded by mutex_
  std::string last_error_;  // guarded by mutex_

  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> known_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<bool> failing_{false};
  std::thread thread_;  // last: starts after every member is ready
};

}  // namespace civicflow::storage
