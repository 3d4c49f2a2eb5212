#include "storage/wal/wal_reader.h"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "storage/wal/crc32c.h"

namespace civicflow::storage {
namespace {

uint32_t LoadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The start position in a WAL file name, or nullopt if it is not one.
std::optional<WalPosition> StartOf(std::string_view name) {
  constexpr std::string_view kSuffix = ".wal";
  if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  uint64_t start = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + 20, start);
  if (ec != std::errc() || end != name.data() + 20) return std::nullopt;
  return WalPosition{start};
}

// Why the frame at data[offset..] is not intact, or empty if it is.
std::string FrameDamage(std::string_view data, size_t offset) {
  const size_t left = data.size() - offset;
  if (left < kFrameHeaderBytes) return "torn frame header";
  const char* h = data.data() + offset;
  const uint32_t length = LoadU32(h);
  if (length > kMaxFramePayload) return "frame length out of range";
  if (left - kFrameHeaderBytes < length) return "torn frame payload";
  uint32_t crc = Crc32cExtend(0, std::string_view(h, 4));
  crc = Crc32cExtend(crc, std::string_view(h + 8, 1));
  crc = Crc32cExtend(crc, std::string_view(h + kFrameHeaderBytes, length));
  if (crc != LoadU32(h + 4)) return "frame checksum mismatch";
  const auto type = static_cast<FrameType>(h[8]);
  if (type != FrameType::kUpload && type != FrameType::kFlushWindows) return "unknown frame type";
  return {};
}

// The WAL files in `wal_dir` with their start positions, in log order.
Result<std::vector<std::pair<WalPosition, std::string>>> WalFiles(FileSystem& fs,
                                                                  const std::filesystem::path& wal_dir) {
  Result<std::vector<std::string>> names = fs.List(wal_dir);
  if (!names.ok()) return names.status();
  std::vector<std::pair<WalPosition, std::string>> files;
  for (std::string& name : *names)
    if (const std::optional<WalPosition> start = StartOf(name)) files.emplace_back(*start, std::move(name));
  return files;
}

}  // namespace

Result<WalScan> ScanWal(FileSystem& fs, const std::filesystem::path& wal_dir, WalPosition from,
                        const std::function<Status(const WalFrame&)>& visit) {
  auto files = WalFiles(fs, wal_dir);
  if (!files.ok()) return files.status();
  WalScan scan;
  if (!files->empty()) scan.begin = scan.end = files->front().first;
  for (size_t i = 0; i < files->size(); ++i) {
    const auto& [start, name] = (*files)[i];
    const auto damaged = [&](std::string why, uint64_t offset) {
      scan.damage = name + " at offset " + std::to_string(offset) + ": " + std::move(why);
      scan.damaged_file = name;
      scan.damaged_offset = offset;
      return scan;
    };
    if (start != scan.end)
      return damaged("starts at log position " + std::to_string(start.bytes) + ", the log before ends at " +
                         std::to_string(scan.end.bytes),
                     0);
    // A file the next one shows to end at or before `from` holds nothing to visit.
    if (i + 1 < files->size() && (*files)[i + 1].first <= from) {
      scan.end = (*files)[i + 1].first;
      continue;
    }
    Result<std::string> data = fs.ReadFile(wal_dir / name);
    if (!data.ok()) return data.status();
    size_t offset = 0;
    while (offset < data->size()) {
      if (std::string why = FrameDamage(*data, offset); !why.empty()) return damaged(std::move(why), offset);
      const uint32_t length = LoadU32(data->data() + offset);
      const WalFrame frame{scan.end, static_cast<FrameType>((*data)[offset + 8]),
                           std::string_view(data->data() + offset + kFrameHeaderBytes, length)};
      if (frame.position >= from) {
        if (Status status = visit(frame); !status.ok()) return status;
        ++scan.frames;
      }
      offset += kFrameHeaderBytes + length;
      scan.end.bytes += kFrameHeaderBytes + length;
    }
  }
  return scan;
}

Status RepairWal(FileSystem& fs, const std::filesystem::path& wal_dir, const WalScan& scan) {
  if (scan.damage.empty()) return {};
  // A file damaged from its first byte goes: the next append starts a file named by scan.end.
  Status cut = scan.damaged_offset == 0 ? fs.Remove(wal_dir / scan.damaged_file)
                                        : fs.Truncate(wal_dir / scan.damaged_file, scan.damaged_offset);
  if (!cut.ok()) return cut;
  Result<std::vector<std::string>> names = fs.List(wal_dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names)
    if (name > scan.damaged_file && name.ends_with(".wal"))
      if (Status s = fs.Remove(wal_dir / name); !s.ok()) return s;
  return fs.SyncDir(wal_dir);
}

Status DropWalBefore(FileSystem& fs, const std::filesystem::path& wal_dir, WalPosition position,
                     std::chrono::seconds keep_for) {
  auto files = WalFiles(fs, wal_dir);
  if (!files.ok()) return files.status();
  const auto now = std::filesystem::file_time_type::clock::now();
  bool removed = false;
  for (size_t i = 0; i + 1 < files->size() && (*files)[i + 1].first <= position; ++i) {
    const std::filesystem::path path = wal_dir / (*files)[i].second;
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(path, ec);
    if (ec || now - written < keep_for) break;  // files are written in order: later ones are younger
    if (Status s = fs.Remove(path); !s.ok()) return s;
    removed = true;
  }
  return removed ? fs.SyncDir(wal_dir) : Status();
}

}  // namespace civicflow::storage
