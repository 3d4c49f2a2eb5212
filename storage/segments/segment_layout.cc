#include "storage/segments/segment_layout.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

namespace civicflow::storage {
namespace {

bool ParseDigits(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsDate(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

}  // namespace

std::filesystem::path SegmentsDir(const std::filesystem::path& data_dir) { return data_dir / "segments"; }

std::filesystem::path PartitionDir(const std::filesystem::path& data_dir, std::string_view table,
                                   std::string_view date) {
  return SegmentsDir(data_dir) / table / ("date=" + std::string(date));
}

std::string PartFileName(uint64_t epoch, uint32_t shard) {
  char name[48];
  std::snprintf(name, sizeof name, "part-%010llu-%03u.parquet", static_cast<unsigned long long>(epoch),
                shard);
  return name;
}

std::filesystem::path EpochManifestPath(const std::filesystem::path& data_dir, uint64_t epoch) {
  return data_dir / "epochs" / std::to_string(epoch);
}

std::string CompactFileName(uint64_t epoch) {
  char name[48];
  std::snprintf(name, sizeof name, "compact-%010llu.parquet", static_cast<unsigned long long>(epoch));
  return name;
}

std::optional<SegmentFile> ParseSegmentPath(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const std::string partition = path.parent_path().filename().string();
  SegmentFile file;
  file.table = path.parent_path().parent_path().filename().string();
  file.path = path;
  if (!partition.starts_with("date=") || !IsDate(std::string_view(partition).substr(5)) || file.table.empty())
    return std::nullopt;
  file.date = partition.substr(5);
  constexpr std::string_view kSuffix = ".parquet";
  if (!name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view stem = std::string_view(name).substr(0, name.size() - kSuffix.size());
  if (stem.starts_with("compact-")) {
    if (!ParseDigits(stem.substr(8), file.epoch)) return std::nullopt;
    return file;
  }
  if (!stem.starts_with("part-")) return std::nullopt;
  const std::string_view rest = stem.substr(5);
  const size_t dash = rest.find('-');
  uint64_t shard = 0;
  if (dash == std::string_view::npos || !ParseDigits(rest.substr(0, dash), file.epoch) ||
      !ParseDigits(rest.substr(dash + 1), shard))
    return std::nullopt;
  file.shard = static_cast<uint32_t>(shard);
  return file;
}

Result<SegmentListing> ListSegments(const std::filesystem::path& data_dir, std::string_view table) {
  std::vector<SegmentFile> files;
  std::error_code ec;
  const std::filesystem::path root = table.empty() ? SegmentsDir(data_dir) : SegmentsDir(data_dir) / table;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file())
      if (std::optional<SegmentFile> file = ParseSegmentPath(it->path())) files.push_back(std::move(*file));
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::Error("cannot list " + root.string() + ": " + ec.message());
  // The newest compact file of each partition supersedes everything up to its epoch.
  std::map<std::pair<std::string, std::string>, uint64_t> compacted;  // (table, date) → epoch
  for (const SegmentFile& f : files)
    if (!f.shard) {
      uint64_t& e = compacted[{f.table, f.date}];
      e = std::max(e, f.epoch);
    }
  SegmentListing listing;
  for (SegmentFile& f : files) {
    const auto c = compacted.find({f.table, f.date});
    const bool superseded = c != compacted.end() && f.epoch <= c->second && (f.shard || f.epoch < c->second);
    (superseded ? listing.superseded : listing.live).push_back(std::move(f));
  }
  const auto order = [](const SegmentFile& a, const SegmentFile& b) {
    return std::tie(a.table, a.date, a.epoch, a.shard) < std::tie(b.table, b.date, b.epoch, b.shard);
  };
  std::sort(listing.live.begin(), listing.live.end(), order);
  std::sort(listing.superseded.begin(), listing.superseded.end(), order);
  return listing;
}

}  // namespace civicflow::storage
