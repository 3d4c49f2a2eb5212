#pragma once
// RecordChunk: the unit of hand-over between ingest and the shards.
// One ingest task fills a chunk (input bytes, arena, records), routes it,
// and then every shard that received part of it reads it; the last shard to
// release it returns it to the pool. Ownership, not locks: only one thread
// writes a chunk, and only before it is submitted.
#include <tbb/concurrent_queue.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/arena.h"
#include "ingest/record.h"

namespace civicflow {

using ShardId = uint32_t;

struct RecordChunk {
  std::vector<char> input;  // raw bytes the records were parsed from (padded)
  Arena arena;              // values and strings of `records`
  std::vector<ingest::Record> records;
  // Filled by routing: record indexes grouped by shard; shard s owns
  // routed[shard_begin[s] .. shard_begin[s + 1]).
  std::vector<uint32_t> routed;
  std::vector<uint32_t> shard_begin;
  std::atomic<int> holders{0};
  // Runs once every shard has processed its records (record fates are then
  // final), on the thread of the last shard, just before the chunk returns
  // to the pool. Must not block.
  std::function<void(const RecordChunk&)> on_processed;
  // Set instead of processing when the upload could not be made durable
  // (a failed WAL write): on_processed then reports that nothing was kept.
  bool not_stored = false;

  void Clear() {
    arena.Reset();
    records.clear();
    on_processed = nullptr;
    not_stored = false;
  }
};

// A fixed set of chunks: Acquire blocks when all are in flight, which bounds
// ingest memory and gives backpressure end to end. Thread-safe.
class ChunkPool {
 public:
  explicit ChunkPool(size_t chunks) : storage_(chunks) {
    for (auto& c : storage_) {
      c = std::make_unique<RecordChunk>();
      free_.push(c.get());
    }
  }
  RecordChunk* Acquire() {
    RecordChunk* c = nullptr;
    free_.pop(c);
    c->Clear();
    return c;
  }
  void Release(RecordChunk* c) { free_.push(c); }
  size_t size() const { return storage_.size(); }

 private:
  std::vector<std::unique_ptr<RecordChunk>> storage_;
  tbb::concurrent_bounded_queue<RecordChunk*> free_;
};

}  // namespace civicflow
