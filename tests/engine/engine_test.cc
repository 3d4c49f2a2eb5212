#include "engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace civicflow {
namespace {

// Records what the engine does to one shard's operator. Only the shard's
// owner thread calls it; the mutex only guards the test's view.
struct Probe {
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::vector<uint64_t> hashes;
  std::vector<int64_t> watermarks;
  int flushes = 0;
  std::atomic<bool>* gate = nullptr;  // when set, OnBatch waits for it
  uint64_t loaded = 0;                // the record count LoadState read
};

class ProbeOperator final : public Operator {
 public:
  explicit ProbeOperator(Probe& probe) : probe_(probe) {}
  void OnBatch(std::span<const ingest::Record* const> records) override {
    while (probe_.gate && !probe_.gate->load()) std::this_thread::yield();
    std::lock_guard lock(probe_.mu);
    probe_.threads.insert(std::this_thread::get_id());
    for (const auto* r : records) probe_.hashes.push_back(r->partition_hash);
  }
  void OnWatermark(LocalTime watermark) override {
    std::lock_guard lock(probe_.mu);
    probe_.watermarks.push_back(watermark.seconds);
  }
  void Flush() override {
    std::lock_guard lock(probe_.mu);
    ++probe_.flushes;
  }
  // The state: how many records the operator has seen.
  void SaveState(StateWriter& out) const override {
    std::lock_guard lock(probe_.mu);
    probe_.threads.insert(std::this_thread::get_id());
    out.Section("probe");
    out.PutCount(probe_.hashes.size());
  }
  void LoadState(StateReader& in) override {
    std::lock_guard lock(probe_.mu);
    probe_.threads.insert(std::this_thread::get_id());
    in.Section("probe");
    probe_.loaded = in.Get<uint64_t>();
  }

 private:
  Probe& probe_;
};

void Fill(RecordChunk& chunk, uint64_t first_hash, int n, int64_t first_time) {
  for (int i = 0; i < n; ++i) {
    ingest::Record r;
    r.partition_hash = (first_hash + i) * 0x9e3779b97f4a7c15ULL;
    r.event_time = LocalTime{first_time + i};
    chunk.records.push_back(r);
  }
}

TEST(Engine, RoutesEveryRecordOnceToItsShardOnOneThreadEach) {
  ChunkPool pool(4);
  std::vector<Probe> probes(4);
  EngineOptions options;
  options.shards = 4;
  options.queue_batches = 2;
  std::map<uint64_t, ShardId> expected;
  {
    Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(probes[s]); });
    for (int c = 0; c < 50; ++c) {
      RecordChunk* chunk = pool.Acquire();
      Fill(*chunk, static_cast<uint64_t>(c) * 100, 100, 1000);
      for (const auto& r : chunk->records) expected[r.partition_hash] = engine.ShardOf(r.partition_hash);
      engine.Submit(chunk);
    }
    engine.Drain();
    engine.Drain();  // idempotent
    uint64_t total = 0;
    for (ShardId s = 0; s < 4; ++s) total += engine.stats(s).records;
    EXPECT_EQ(total, 5000u);
  }
  size_t seen = 0;
  for (ShardId s = 0; s < 4; ++s) {
    EXPECT_EQ(probes[s].threads.size(), 1u) << "shard " << s << " touched by several threads";
    EXPECT_EQ(probes[s].flushes, 1);
    for (uint64_t h : probes[s].hashes) EXPECT_EQ(expected.at(h), s);
    seen += probes[s].hashes.size();
  }
  EXPECT_EQ(seen, expected.size());
}

TEST(Engine, SavedStateContinuesInAFreshEngineOnEachShardsOwnThread) {
  ChunkPool pool(4);
  EngineOptions options;
  options.shards = 3;
  std::vector<Probe> before(3), after(3);
  std::vector<std::string> states;
  std::vector<ShardStats> saved_stats(3);
  {
    Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(before[s]); });
    RecordChunk* chunk = pool.Acquire();
    Fill(*chunk, 0, 300, 10'000);
    engine.Submit(chunk);
    engine.Quiesce();
    states = engine.SaveState();
    for (ShardId s = 0; s < 3; ++s) saved_stats[s].watermark = engine.watermark(s);
  }
  ASSERT_EQ(states.size(), 3u);
  {
    Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(after[s]); });
    ASSERT_TRUE(engine.LoadState(states).ok());
    for (ShardId s = 0; s < 3; ++s) {
      EXPECT_EQ(engine.watermark(s), saved_stats[s].watermark) << "the watermark is part of the state";
      EXPECT_GT(engine.watermark(s), LocalTime::Min());
    }
    RecordChunk* chunk = pool.Acquire();
    Fill(*chunk, 1000, 300, 5'000);  // all behind the restored watermark
    engine.Submit(chunk);
    engine.Drain();
    uint64_t records = 0, late = 0;
    for (ShardId s = 0; s < 3; ++s) {
      records += engine.stats(s).records;
      late += engine.stats(s).late;
    }
    EXPECT_EQ(records, 600u) << "statistics continue";
    EXPECT_EQ(late, 300u);
  }
  for (ShardId s = 0; s < 3; ++s) {
    EXPECT_EQ(after[s].loaded, before[s].hashes.size());
    EXPECT_GT(before[s].hashes.size(), 0u);
    EXPECT_EQ(after[s].threads.size(), 1u) << "loading runs on the shard's own thread";
  }
}

TEST(Engine, StateOfAnotherShardCountOrDamagedIsRefusedWithTheReason) {
  ChunkPool pool(2);
  EngineOptions options;
  options.shards = 2;
  std::vector<Probe> probes(2), fresh(2), three(3);
  std::vector<std::string> states;
  {
    Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(probes[s]); });
    states = engine.SaveState();
  }
  {
    EngineOptions more = options;
    more.shards = 3;
    Engine engine(more, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(three[s]); });
    Status s = engine.LoadState(states);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("--shards 2"), std::string::npos) << s.message();
  }
  Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(fresh[s]); });
  std::vector<std::string> damaged = states;
  damaged[1].pop_back();
  Status s = engine.LoadState(damaged);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("shard 1"), std::string::npos) << s.message();
  damaged = states;
  damaged[0] += "x";
  s = engine.LoadState(damaged);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bytes after"), std::string::npos) << s.message();
}

TEST(Engine, WatermarkTrailsMaxEventTimeByAllowedLatenessAndCountsLateRecords) {
  ChunkPool pool(2);
  Probe probe;
  EngineOptions options;
  options.shards = 1;
  options.allowed_lateness_s = 100;
  Engine engine(options, pool, [&](ShardId) { return std::make_unique<ProbeOperator>(probe); });
  RecordChunk* first = pool.Acquire();
  Fill(*first, 0, 1, 1000);  // watermark → 900
  engine.Submit(first);
  RecordChunk* second = pool.Acquire();
  Fill(*second, 1, 1, 850);  // behind 900: late, watermark unchanged
  Fill(*second, 2, 1, 950);  // not late; max stays 1000
  engine.Submit(second);
  RecordChunk* third = pool.Acquire();
  Fill(*third, 3, 1, 1200);  // watermark → 1100
  engine.Submit(third);
  engine.Drain();
  EXPECT_EQ(probe.watermarks, (std::vector<int64_t>{900, 1100}));
  EXPECT_EQ(engine.stats(0).late, 1u);
  EXPECT_EQ(engine.stats(0).watermark.seconds, 1100);
}

TEST(Engine, EveryShardEndsWithTheSameFinalWatermark) {
  ChunkPool pool(2);
  std::vector<Probe> probes(2);
  EngineOptions options;
  options.shards = 2;
  options.allowed_lateness_s = 100;
  Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(probes[s]); });
  RecordChunk* chunk = pool.Acquire();
  Fill(*chunk, 0, 40, 1000);  // event times 1000..1039 spread over both shards
  engine.Submit(chunk);
  engine.Drain();
  for (auto& p : probes) {
    ASSERT_FALSE(p.watermarks.empty());
    EXPECT_EQ(p.watermarks.back(), 1039 - 100);
  }
  EXPECT_EQ(engine.stats(0).watermark, engine.stats(1).watermark);
}

TEST(Engine, FullShardQueueBlocksIngestInsteadOfGrowingMemory) {
  ChunkPool pool(8);
  Probe probe;
  std::atomic<bool> gate{false};
  probe.gate = &gate;
  EngineOptions options;
  options.shards = 1;
  options.queue_batches = 1;
  Engine engine(options, pool, [&](ShardId) { return std::make_unique<ProbeOperator>(probe); });
  std::atomic<int> submitted{0};
  std::thread ingest([&] {
    for (int c = 0; c < 6; ++c) {
      RecordChunk* chunk = pool.Acquire();
      Fill(*chunk, static_cast<uint64_t>(c), 1, 1000);
      engine.Submit(chunk);
      ++submitted;
    }
  });
  // The shard holds one batch (blocked in OnBatch), the queue one more; the
  // third Submit must block.
  int last = -1;
  for (int stable = 0; stable < 20; std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    const int now = submitted.load();
    stable = now == last ? stable + 1 : 0;
    last = now;
  }
  EXPECT_EQ(submitted.load(), 2);
  gate = true;
  ingest.join();
  engine.Drain();
  EXPECT_EQ(submitted.load(), 6);
  EXPECT_EQ(probe.hashes.size(), 6u);
}

TEST(Engine, ChunksReturnToThePoolWhenEveryShardIsDone) {
  ChunkPool pool(2);
  std::vector<Probe> probes(3);
  EngineOptions options;
  options.shards = 3;
  Engine engine(options, pool, [&](ShardId s) { return std::make_unique<ProbeOperator>(probes[s]); });
  // 100 chunks through a pool of 2: only possible if chunks are recycled.
  for (int c = 0; c < 100; ++c) {
    RecordChunk* chunk = pool.Acquire();
    Fill(*chunk, static_cast<uint64_t>(c) * 10, 10, 0);
    engine.Submit(chunk);
  }
  RecordChunk* empty = pool.Acquire();  // no records: released at once
  engine.Submit(empty);
  engine.Drain();
  size_t seen = 0;
  for (auto& p : probes) seen += p.hashes.size();
  EXPECT_EQ(seen, 1000u);
}

}  // namespace
}  // namespace civicflow
