#pragma once
// Engine: routes parsed records by partition key to N shards. Each shard is
// owned by one long-running task in a oneTBB arena of its own; only that
// task touches the shard's operator state. Ingest hands over whole chunks
// through bounded per-shard queues, so a slow shard slows ingest down
// instead of growing memory.
//
// Threads: Submit() from any ingest thread (records of one thread's chunks
// keep their order); Quiesce(), FlushWindows() and Drain() from the owner,
// while no Submit() runs; stats() after Drain().
#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/hash.h"
#include "engine/base/status.h"
#include "engine/operator.h"
#include "engine/record_chunk.h"

namespace civicflow {

// Told by each shard's owner thread what it has just applied (metrics).
// Must be cheap and must not block.
class ShardObserver {
 public:
  virtual ~ShardObserver() = default;
  virtual void OnApplied(ShardId shard, std::span<const ingest::Record* const> records) = 0;
};

struct EngineOptions {
  uint32_t shards = 2;
  size_t queue_batches = 8;           // per-shard queue capacity, in batches
  int64_t allowed_lateness_s = 3600;  // watermark = max event time seen − this
  uint32_t ingest_threads = 2;        // threads the caller will parse with (sizes the TBB thread limit)
  ShardObserver* observer = nullptr;
};

struct ShardStats {
  uint64_t records = 0;
  uint64_t batches = 0;
  uint64_t late = 0;  // records whose event time was already behind the watermark
  LocalTime watermark = LocalTime::Min();
};

class Engine {
 public:
  Engine(const EngineOptions& options, ChunkPool& pool, const OperatorFactory& factory);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Routes the chunk's records and hands each shard its part; blocks while a
  // target shard's queue is full. The chunk returns to the pool once every
  // shard that received records has processed them.
  void Submit(RecordChunk* chunk);

  // Returns once every chunk submitted before has been processed and
  // returned to the pool: a clean cut, e.g. for a checkpoint.
  void Quiesce();
  // As at the end of input, without ending it: shards finish their queues;
  // every shard gets the same final watermark (the latest event time over
  // all shards − allowed lateness), so results do not depend on the shard
  // count; then operators flush. Later records open windows afresh.
  void FlushWindows();
  // Ends input: FlushWindows(), then the shards stop. Idempotent.
  void Drain();

  // Checkpoints. At a clean cut (after Quiesce(), while no Submit() runs):
  // every shard writes its state — statistics, watermark, operators — on
  // its own thread, all in parallel; one string per shard.
  std::vector<std::string> SaveState();
  // Before the first Submit(): every shard reads back what SaveState()
  // wrote, on its own thread. An error names the shard whose state does not
  // read back (damaged, or written with another shard count or build).
  Status LoadState(std::vector<std::string> states);

  uint32_t shard_count() const { return static_cast<uint32_t>(shards_.size()); }
  ShardId ShardOf(uint64_t partition_hash) const { return ScaleToRange(partition_hash, shard_count()); }
  // REQUIRES: Drain() has returned.
  const ShardStats& stats(ShardId shard) const { return shards_[shard]->stats; }
  // For metrics, from any thread: batches waiting in the shard's queue, and
  // its watermark (Min() before its first record with an event time).
  size_t queue_depth(ShardId shard) const {
    return static_cast<size_t>(std::max<std::ptrdiff_t>(0, shards_[shard]->queue.size()));
  }
  LocalTime watermark(ShardId shard) const {
    return {shards_[shard]->published_watermark.load(std::memory_order_relaxed)};
  }

 private:
  // A point in every shard's queue at which all shards meet (see Meet()).
  struct Rendezvous;
  struct Batch {
    RecordChunk* chunk = nullptr;  // nullptr: a rendezvous
    uint32_t begin = 0, end = 0;   // range of chunk->routed
    Rendezvous* meet = nullptr;
  };
  struct Shard {
    ShardId id = 0;
    std::unique_ptr<Operator> root;
    tbb::concurrent_bounded_queue<Batch> queue;
    ShardStats stats;
    LocalTime max_event = LocalTime::Min();
    std::atomic<int64_t> published_watermark{LocalTime::Min().seconds};  // stats.watermark, for other threads
  };
  void SetWatermark(Shard& shard, LocalTime watermark);
  void RunShard(Shard& shard);
  void Finish(RecordChunk* chunk);  // runs the chunk's completion and returns it to the pool
  enum class MeetFor { kCut, kFlush, kStop, kSave, kLoad };
  void Meet(MeetFor what);
  void Gather(Rendezvous& meet);  // every shard has arrived at `meet`
  // On the shard's thread, at a kSave / kLoad rendezvous. `error` is set when `state` does not read back.
  void SaveShard(const Shard& shard, std::string& state) const;
  void LoadShard(Shard& shard, const std::string& state, std::string& error);

  EngineOptions options_;
  ChunkPool& pool_;
  tbb::global_control thread_limit_;
  std::vector<std::unique_ptr<Shard>> shards_;
  tbb::task_arena arena_;
  std::latch finished_;
  bool drained_ = false;
};

}  // namespace civicflow
