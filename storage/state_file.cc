#include "storage/state_file.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>

#include "engine/base/state_codec.h"
#include "storage/wal/crc32c.h"

namespace civicflow::storage {
namespace {

constexpr std::string_view kMagic = "civicflow state\n";
constexpr std::string_view kSuffix = ".state";

std::filesystem::path StateDir(const std::filesystem::path& dir) { return dir / "state"; }

}  // namespace

std::string StateFileName(WalPosition at) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(at.bytes));
  return name + std::string(kSuffix);
}

Status SaveStateFile(FileSystem& fs, const std::filesystem::path& dir, WalPosition at,
                     const SavedState& state) {
  size_t total = kMagic.size() + 8 + 12 + state.adapters.size();
  for (const std::string& shard : state.shards) total += 12 + shard.size();
  std::string file;
  file.reserve(total);
  file.append(kMagic);
  StateWriter out(file);
  out.Put<uint32_t>(kStateFormat);
  out.Put<uint32_t>(static_cast<uint32_t>(state.shards.size()));
  const auto blob = [&](const std::string& bytes) {
    out.Put<uint32_t>(Crc32c(bytes));
    out.PutText(bytes);
  };
  blob(state.adapters);
  for (const std::string& shard : state.shards) blob(shard);
  return fs.WriteAtomically(StateDir(dir) / StateFileName(at), file);
}

Result<SavedState> LoadStateFile(FileSystem& fs, const std::filesystem::path& dir, WalPosition at) {
  const std::filesystem::path path = StateDir(dir) / StateFileName(at);
  Result<std::string> file = fs.ReadFile(path);
  if (!file.ok()) return file.status();
  const auto damaged = [&](const std::string& why) {
    return Status::Error(path.string() + " is damaged: " + why);
  };
  std::string_view bytes = *file;
  if (!bytes.starts_with(kMagic)) return damaged("not a state file");
  StateReader in(bytes.substr(kMagic.size()));
  if (const uint32_t format = in.Get<uint32_t>(); format != kStateFormat)
    return Status::Error(path.string() + " has state format " + std::to_string(format) +
                         "; this build reads " + std::to_string(kStateFormat));
  const uint32_t shards = in.Get<uint32_t>();
  if (shards > 1u << 16) return damaged("shard count " + std::to_string(shards));
  SavedState state;
  state.shards.resize(shards);
  const auto blob = [&](std::string& out) {
    const uint32_t crc = in.Get<uint32_t>();
    const std::string_view text = in.GetText();
    if (!in.failed() && Crc32c(text) != crc) in.Fail("checksum mismatch");
    out.assign(text);
  };
  blob(state.adapters);
  for (std::string& shard : state.shards) blob(shard);
  if (!in.failed() && !in.at_end()) in.Fail("bytes after the last shard");
  if (in.failed()) return damaged(in.error());
  return state;
}

Result<std::vector<WalPosition>> ListStateFiles(FileSystem& fs, const std::filesystem::path& dir) {
  std::vector<WalPosition> positions;
  Result<std::vector<std::string>> names = fs.List(StateDir(dir));
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    WalPosition at;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), at.bytes);
    if (error == std::errc() && name == StateFileName(at)) positions.push_back(at);
  }
  std::sort(positions.begin(), positions.end(), std::greater<>());
  return positions;
}

Status RemoveStateFilesExcept(FileSystem& fs, const std::filesystem::path& dir,
                              std::span<const WalPosition> keep) {
  Result<std::vector<WalPosition>> saved = ListStateFiles(fs, dir);
  if (!saved.ok()) return saved.status();
  for (WalPosition at : *saved)
    if (std::find(keep.begin(), keep.end(), at) == keep.end())
      if (Status s = fs.Remove(StateDir(dir) / StateFileName(at)); !s.ok()) return s;
  return {};
}

}  // namespace civicflow::storage
