#pragma once
// Checkpoint: the durable cut that recovery starts from. It says how far
// the WAL had been applied and how long every output part was at that
// moment; recovery cuts the parts back to those lengths (dropping rows of
// records it will apply again) and replays the log from `wal` on, so every
// acknowledged record takes effect exactly once. Stored at DIR/CHECKPOINT,
// replaced atomically:
//
//   civicflow checkpoint 1
//   wal <log position>
//   epoch <segments epoch>                   (storage/segments/segment_layout.h)
//   part <bytes> <path relative to DIR>      (one line per output part)
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
  std::vector<std::pair<std::string, uint64_t>> parts;  // relative path, length

  std::optional<uint64_t> PartLength(std::string_view path) const;
};

// nullopt when DIR has no checkpoint yet; an error when it is unreadable.
Result<std::optional<Checkpoint>> LoadCheckpoint(FileSystem& fs, const std::filesystem::path& dir);
Status SaveCheckpoint(FileSystem& fs, const std::filesystem::path& dir, const Checkpoint& checkpoint);

}  // namespace civicflow::storage
