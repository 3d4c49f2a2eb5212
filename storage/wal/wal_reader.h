#pragma once
// Reading the WAL back at start-up: every intact frame from a position on,
// in log order, stopping cleanly at the first torn or corrupt frame (a
// crash mid-append leaves one at the tail). RepairWal then cuts the log
// there so new frames follow intact ones. Single-threaded; runs before the
// writer opens.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "storage/file_system.h"
#include "storage/wal/wal_format.h"

namespace civicflow::storage {

struct WalFrame {
  WalPosition position;
  FrameType type;
  std::string_view payload;  // valid during the visit only
};

struct WalScan {
  WalPosition begin;            // where the oldest file kept starts (DropWalBefore removes older ones)
  WalPosition end;              // just past the last intact frame: where appends continue
  uint64_t frames = 0;          // intact frames visited
  std::string damage;           // empty: the log ends cleanly; else what stopped the scan
  std::string damaged_file;     // the file holding `end` when damaged (name in DIR/wal)
  uint64_t damaged_offset = 0;  // offset of `end` within it
};

// Visits every intact frame at or after `from`; files that end before it
// are not read. A visit error stops the scan and is returned.
Result<WalScan> ScanWal(FileSystem& fs, const std::filesystem::path& wal_dir, WalPosition from,
                        const std::function<Status(const WalFrame&)>& visit);

// Cuts a damaged log at scan.end: truncates the damaged file there and
// removes every later file. Nothing to do for a clean scan.
Status RepairWal(FileSystem& fs, const std::filesystem::path& wal_dir, const WalScan& scan);

// Removes the files that hold only frames before `position` (a checkpoint's)
// and were last written at least `keep_for` ago, oldest first. The file
// holding `position` and every later one stay.
Status DropWalBefore(FileSystem& fs, const std::filesystem::path& wal_dir, WalPosition position,
                     std::chrono::seconds keep_for);

}  // namespace civicflow::storage
