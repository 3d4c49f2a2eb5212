#pragma once
// Where segments live, and which files are live. Every output table is a
// hive-partitioned set of Parquet files under the data dir:
//
//   DIR/segments/<table>/date=YYYY-MM-DD/part-<epoch>-<shard>.parquet
//   DIR/segments/<table>/date=YYYY-MM-DD/compact-<epoch>.parquet
//
// <epoch> (10 digits) is the checkpoint that published the file: a part
// holds the rows one shard emitted for that partition during that epoch.
// A compact file holds the rows of every file of its partition with an
// epoch ≤ its own, which it supersedes: readers and tools skip superseded
// files, and whoever finds them deletes them (a crash between publishing a
// compact file and deleting what it replaces is thus harmless). Files are
// written as "<name>.tmp" and renamed when complete; ".tmp" files are never
// read. Only epochs ≤ the checkpoint's epoch (DIR/CHECKPOINT) are final:
// recovery deletes later ones.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::storage {

struct SegmentFile {
  std::string table;
  std::string date;  // YYYY-MM-DD
  uint64_t epoch = 0;
  std::optional<uint32_t> shard;  // nullopt: a compact file
  std::filesystem::path path;
};

std::filesystem::path SegmentsDir(const std::filesystem::path& data_dir);
std::filesystem::path PartitionDir(const std::filesystem::path& data_dir, std::string_view table,
                                   std::string_view date);
std::string PartFileName(uint64_t epoch, uint32_t shard);
// DIR/epochs/<epoch>: what one epoch published, one segment path (relative
// to DIR) a line; written only while a follower (the PostgreSQL sink) reads
// epochs, which deletes each once applied.
std::filesystem::path EpochManifestPath(const std::filesystem::path& data_dir, uint64_t epoch);
std::string CompactFileName(uint64_t epoch);

// The file at `path` (…/<table>/date=…/<name>) if it is a published segment.
std::optional<SegmentFile> ParseSegmentPath(const std::filesystem::path& path);

struct SegmentListing {
  std::vector<SegmentFile> live;        // by table, date, epoch, shard
  std::vector<SegmentFile> superseded;  // replaced by a compact file: to delete
};
// Every published segment under DIR/segments (of `table` only, if given).
Result<SegmentListing> ListSegments(const std::filesystem::path& data_dir, std::string_view table = {});

}  // namespace civicflow::storage
