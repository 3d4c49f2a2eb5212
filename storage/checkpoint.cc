#include "storage/checkpoint.h"

#include <algorithm>
#include <charconv>

namespace civicflow::storage {
namespace {

constexpr std::string_view kFile = "CHECKPOINT";
constexpr std::string_view kMagic = "civicflow checkpoint 1";

bool ParseNumber(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::optional<Checkpoint>> LoadCheckpoint(FileSystem& fs, const std::filesystem::path& dir) {
  Result<std::vector<std::string>> names = fs.List(dir);
  if (!names.ok()) return names.status();
  if (std::find(names->begin(), names->end(), kFile) == names->end()) return std::optional<Checkpoint>();
  Result<std::string> text = fs.ReadFile(dir / kFile);
  if (!text.ok()) return text.status();
  const auto corrupt = [&](std::string_view why) {
    return Status::Error((dir / kFile).string() + " is corrupt: " + std::string(why));
  };
  Checkpoint checkpoint;
  std::string_view rest = *text;
  bool magic = false, wal = false;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return corrupt("unterminated line");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    if (!magic) {
      if (line != kMagic) return corrupt("unknown header");
      magic = true;
    } else if (line.starts_with("wal ")) {
      if (!ParseNumber(line.substr(4), checkpoint.wal.bytes)) return corrupt("bad wal line");
      wal = true;
    } else if (line.starts_with("epoch ")) {
      if (!ParseNumber(line.substr(6), checkpoint.epoch)) return corrupt("bad epoch line");
    } else if (line.starts_with("state ")) {
      checkpoint.state.emplace();
      if (!ParseNumber(line.substr(6), checkpoint.state->bytes)) return corrupt("bad state line");
    } else {
      return corrupt("unknown line");
    }
  }
  if (!wal) return corrupt("no wal position");
  if (checkpoint.state && *checkpoint.state > checkpoint.wal) return corrupt("state after the wal position");
  return std::optional<Checkpoint>(std::move(checkpoint));
}

Status SaveCheckpoint(FileSystem& fs, const std::filesystem::path& dir, const Checkpoint& checkpoint) {
  std::string text(kMagic);
  text += "\nwal " + std::to_string(checkpoint.wal.bytes) + "\n";
  text += "epoch " + std::to_string(checkpoint.epoch) + "\n";
  if (checkpoint.state) text += "state " + std::to_string(checkpoint.state->bytes) + "\n";
  return fs.WriteAtomically(dir / kFile, text);
}

}  // namespace civicflow::storage
