#pragma once
// StateFile: the state that goes with a checkpoint (storage/checkpoint.h):
// what the platform adapters remember and every shard's operators, as
// written by PlatformHandler::SaveState and Engine::SaveState. Recovery
// loads it and replays only the WAL after the checkpoint. Stored at
// DIR/state/<WAL position, 20 digits>.state, written atomically before the
// CHECKPOINT that names it:
//
//   "civicflow state\n"   16 bytes
//   u32 format            kStateFormat (engine/base/state_codec.h)
//   u32 shards
//   then adapters, shard 0, …, shard N−1, each:
//   u32 crc32c of the bytes | u64 length | bytes      (host byte order)
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "storage/file_system.h"
#include "storage/wal/wal_format.h"

namespace civicflow::storage {

struct SavedState {
  std::string adapters;
  std::vector<std::string> shards;
};

// DIR/state/<name>: the state saved at log position `at`.
std::string StateFileName(WalPosition at);

Status SaveStateFile(FileSystem& fs, const std::filesystem::path& dir, WalPosition at,
                     const SavedState& state);
// An error if the file is missing, damaged (length, checksum) or of another format.
Result<SavedState> LoadStateFile(FileSystem& fs, const std::filesystem::path& dir, WalPosition at);
// The positions of the state files in DIR/state, newest first.
Result<std::vector<WalPosition>> ListStateFiles(FileSystem& fs, const std::filesystem::path& dir);
// Removes every state file but those at `keep` (older ones, or one no checkpoint came to name).
Status RemoveStateFilesExcept(FileSystem& fs, const std::filesystem::path& dir,
                              std::span<const WalPosition> keep);

}  // namespace civicflow::storage
