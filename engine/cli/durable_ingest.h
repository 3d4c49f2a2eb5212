#pragma once
// DurableIngest: the engine's side of RecordSubmitter for `civicflow
// serve`: an acknowledged upload is never lost nor counted twice.
//
// An upload is validated on the calling I/O thread into a chunk of its own
// and appended to the WAL as its archive line. Once the frame is durable,
// the WAL's commit thread hands the chunk to the engine, so the engine sees
// uploads in log order, one chunk each, exactly as a replay of the log
// does; `done` runs when every record's fate is known. Every
// `checkpoint_interval` the commit thread quiesces the engine, publishes the
// segments epoch and saves a checkpoint at that clean cut (storage/checkpoint.h).
//
// Recover() replays the whole log through the engine: frames before the
// checkpoint with the segments muted (they rebuild the operators' state —
// dedup sets, open windows, reconciliation sets — whose rows are published
// already), the rest live; every upload is also handed to `recall` (the
// adapters relearn registrations and master data). A torn tail is cut off.
// Thread-safe Submit(), once Recover() returned; Open(), Recover() and
// Close() from the owner.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "engine/engine.h"
#include "ingest/http/record_submitter.h"
#include "storage/checkpoint.h"
#include "storage/segments/segment_tables.h"
#include "storage/wal/wal_writer.h"

namespace civicflow {

struct DurableIngestOptions {
  std::chrono::milliseconds checkpoint_interval{10'000};
  storage::WalOptions wal;
};

// What recovery found in the log.
struct Recovery {
  uint64_t frames = 0;      // intact frames replayed
  uint64_t muted = 0;       // of which before the checkpoint
  uint64_t unreadable = 0;  // frames whose line no longer validates (kept out of the engine)
  std::string damage;       // the torn or corrupt tail that was cut, if any
};

class DurableIngest final : public ingest::http::RecordSubmitter {
 public:
  // REQUIRES: `segments` was opened after `checkpoint`'s epoch (or afresh
  // when it is nullopt) and no record has been submitted to `engine` yet.
  // Recover() next.
  static Result<std::unique_ptr<DurableIngest>> Open(storage::FileSystem& fs,
                                                     const std::filesystem::path& data_dir, Engine& engine,
                                                     ChunkPool& pool, storage::SegmentTables& segments,
                                                     const std::optional<storage::Checkpoint>& checkpoint,
                                                     const DurableIngestOptions& options);
  ~DurableIngest() override;

  using Recall = std::function<void(ingest::InterfaceId id, std::string_view json)>;
  // Replays the log (see above), then opens it for appends.
  Status Recover(const Recall& recall);

  std::optional<ingest::ValidationError> Submit(ingest::InterfaceId id, std::string_view json,
                                                int64_t request_ts_ms, Done done) override;

  // A clean stop, after the last upload's `done` ran: a flush frame (every
  // window flushes, here and in any later replay), then a final checkpoint.
  Status Close();

  const Recovery& recovery() const { return recovery_; }
  storage::WalStats wal_stats() const { return wal_->stats(); }

 private:
  DurableIngest(storage::FileSystem& fs, std::filesystem::path data_dir, Engine& engine, ChunkPool& pool,
                storage::SegmentTables& segments, std::optional<storage::Checkpoint> checkpoint,
                const DurableIngestOptions& options);

  // Commit thread: a checkpoint at `end` if one is due (or `force`).
  void MaybeCheckpoint(storage::WalPosition end, bool force);
  Status SaveCheckpointAt(storage::WalPosition end);

  storage::FileSystem& fs_;
  const std::filesystem::path data_dir_;
  Engine& engine_;
  ChunkPool& pool_;
  storage::SegmentTables& segments_;
  const DurableIngestOptions options_;
  const std::optional<storage::Checkpoint> checkpoint_;
  Recovery recovery_;
  std::unique_ptr<storage::WalWriter> wal_;
  std::chrono::steady_clock::time_point last_checkpoint_;  // commit thread
  Status checkpoint_status_;                               // commit thread; read after Close()
};

}  // namespace civicflow
