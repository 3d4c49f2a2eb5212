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
// segments epoch and saves a checkpoint (storage/checkpoint.h) at that clean
// cut; every `state_interval` the checkpoint also saves the shards' and
// adapters' state there (storage/state_file.h), and WAL files wholly before
// it go once `wal_retention` has passed.
//
// Recover() loads the checkpoint's state (or, when that file is damaged,
// the one saved before it, which is kept with the log after it for this) and
// replays the log from the state's position through the engine — muted up
// to the checkpoint (those frames rebuild state whose rows are published
// already), live after it —
// handing every upload to the adapters' Recall too. Without state (a
// checkpoint written by `civicflow replay`) the replay starts at the
// beginning of the log. A torn tail is cut off.
// Thread-safe Submit(), once Recover() returned; Open(), Recover() and
// Close() from the owner.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "engine/base/state_codec.h"
#include "engine/engine.h"
#include "ingest/http/record_submitter.h"
#include "storage/checkpoint.h"
#include "storage/segments/segment_tables.h"
#include "storage/wal/wal_writer.h"

namespace civicflow {

struct DurableIngestOptions {
  std::chrono::milliseconds checkpoint_interval{10'000};
  // State is saved at the first checkpoint this long after the last: a
  // restart replays at most about this much of the log.
  std::chrono::milliseconds state_interval{60'000};
  // How long WAL files stay after a checkpoint covers them (for
  // `civicflow-seg export-archive`); zero drops them at that checkpoint.
  std::chrono::seconds wal_retention{24 * 3600};
  storage::WalOptions wal;
  // Told after each state file is saved: how long saving took (the engine
  // is paused meanwhile) and its size. Runs on the WAL's commit thread.
  std::function<void(std::chrono::nanoseconds elapsed, uint64_t bytes)> on_state_saved;
};

// The platform adapters' side of checkpoints and recovery (PlatformAdapters).
class AdapterMemory {
 public:
  virtual ~AdapterMemory() = default;
  // PlatformHandler::SaveState / LoadState of every adapter; SaveState runs
  // on the WAL's commit thread while requests are served.
  virtual void SaveState(StateWriter& out) const = 0;
  virtual void LoadState(StateReader& in) = 0;
  // An upload replayed from the log (PlatformHandler::Recall).
  virtual void Recall(ingest::InterfaceId id, std::string_view json) = 0;
};

// What recovery found in the log.
struct Recovery {
  std::string state;        // the state file loaded, if any
  std::string passed_over;  // why the checkpoint's own state file was not (an older one was)
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

  // Loads the checkpoint's state and replays the log (see above), then
  // opens it for appends. `adapters` must outlive this.
  Status Recover(AdapterMemory& adapters);

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
  // At a clean cut: state file (if `with_state`), segments epoch, checkpoint, then tidying.
  Status SaveCheckpointAt(storage::WalPosition end, bool with_state);
  // The state file saved at `named` into the engine and adapters — or, if
  // that file is damaged, the newest older one that is not; where it was saved.
  Result<storage::WalPosition> LoadState(storage::WalPosition named);

  storage::FileSystem& fs_;
  const std::filesystem::path data_dir_;
  Engine& engine_;
  ChunkPool& pool_;
  storage::SegmentTables& segments_;
  const DurableIngestOptions options_;
  const std::optional<storage::Checkpoint> checkpoint_;
  AdapterMemory* adapters_ = nullptr;  // set by Recover()
  Recovery recovery_;
  std::unique_ptr<storage::WalWriter> wal_;
  std::chrono::steady_clock::time_point last_checkpoint_;  // commit thread
  std::chrono::steady_clock::time_point last_state_;       // commit thread
  std::optional<storage::WalPosition> state_at_;           // the last state file's position
  Status checkpoint_status_;                               // commit thread; read after Close()
};

}  // namespace civicflow
