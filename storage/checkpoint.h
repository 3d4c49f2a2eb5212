#pragma once
// Checkpoint: the durable cut that recovery starts from. It says how far
// the WAL had been applied and which segments epoch held every row emitted
// up to there; recovery deletes segments of later epochs (rows of records it
// applies again) and replays the log from `wal` on, so every acknowledged
// record takes effect exactly once. Stored at DIR/CHECKPOINT, replaced
// atomically:
//
//   civicflow checkpoint 1
//   wal <log position>
//   epoch <segments epoch>        (storage/segments/segment_layout.h)
//   state <log position>          (storage/state_file.h; absent: none saved)
//
// State is saved less often than segments are published: the state file is
// the one saved at `state` ≤ `wal`. Recovery loads it and replays the log
// from there, with the segments muted up to `wal` (those rows are published
// already), live after. Without state (a checkpoint written by `civicflow
// replay`), it replays the whole log, muted up to `wal`.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/file_system.h"
#include "storage/wal/wal_format.h"

namespace civicflow::storage {

struct Checkpoint {
  WalPosition wal;
  uint64_t epoch = 0;                // segment files of later epochs are not final
  std::optional<WalPosition> state;  // where the state file was saved; nullopt: none
};

// nullopt when DIR has no checkpoint yet; an error when it is unreadable.
Result<std::optional<Checkpoint>> LoadCheckpoint(FileSystem& fs, const std::filesystem::path& dir);
Status SaveCheckpoint(FileSystem& fs, const std::filesystem::path& dir, const Checkpoint& checkpoint);

}  // namespace civicflow::storage
