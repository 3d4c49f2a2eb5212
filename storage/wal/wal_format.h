#pragma once
// The WAL's byte layout. The log is a sequence of files under DIR/wal/,
// each named by the log position of its first byte (20 decimal digits,
// ".wal"), so positions run on across files:
//
//   DIR/wal/00000000000000000000.wal   frame frame frame …
//   DIR/wal/00000000000067108912.wal   frame frame …
//
//   frame:  +-----------+-----------+--------+------------------+
//           | length    | crc32c    | type   | payload          |
//           | u32 LE    | u32 LE    | u8     | `length` bytes   |
//           +-----------+-----------+--------+------------------+
//   crc32c: CRC-32C over the length bytes, the type byte and the payload,
//           so a torn or corrupted frame (length included) never verifies.
//
// kUpload payload: one archive line (ingest/archive/archive_parser.h), the
// upload exactly as validated. kFlushWindows: empty; every window was
// flushed at that point of the log (a clean stop), so replay does the same.
#include <cstdint>
#include <string>
#include <string_view>

namespace civicflow::storage {

// Byte offset in the logical log; a frame's position is where it starts.
struct WalPosition {
  uint64_t bytes = 0;
  auto operator<=>(const WalPosition&) const = default;
};

enum class FrameType : uint8_t { kUpload = 1, kFlushWindows = 2 };

inline constexpr size_t kFrameHeaderBytes = 9;
inline constexpr uint32_t kMaxFramePayload = 64u << 20;

// Appends header + payload to `out`.
void AppendFrame(FrameType type, std::string_view payload, std::string& out);

// Name of the WAL file that starts at `start`.
std::string WalFileName(WalPosition start);

}  // namespace civicflow::storage
