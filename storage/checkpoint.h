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
//   state <file name>             (storage/state_file.h; absent: none saved)
//
// With a state file, recovery loads it and replays the log from `wal` on;
// without one (a checkpoint written by `civicflow replay`, or by a build
// before state files), it replays the whole log, with segments muted up
// to `wal`, to rebuild the operators' state.
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
  uint64_t epoch = 0;  // segment files of later epochs are not final
  std::string state;   // file name in DIR/state; empty: none
};

// nullopt when DIR has no checkpoint yet; an error when it is unreadable.
Result<std::optional<Checkpoint>> LoadCheckpoint(FileSystem& fs, const std::filesystem::path& dir);
Status SaveCheckpoint(FileSystem& fs, const std::filesystem::path& dir, const Checkpoint& checkpoint);

}  // namespace civicflow::storage
