#include "engine/engine.h"

#include <algorithm>
#include <thread>

namespace civicflow {

Engine::Engine(const EngineOptions& options, ChunkPool& pool, const OperatorFactory& factory)
    : options_(options),
      pool_(pool),
      // Shard owners block on their queues, so they must not compete with the
      // ingest threads for TBB's default (cores − 1) workers.
      thread_limit_(tbb::global_control::max_allowed_parallelism,
                    options.shards + options.ingest_threads + 1),
      arena_(static_cast<int>(options.shards), /*reserved_for_masters=*/0),
      finished_(options.shards) {
  for (ShardId s = 0; s < options.shards; ++s) {
    auto shard = std::make_unique<Shard>();
    shard->id = s;
    shard->root = factory(s);
    shard->queue.set_capacity(static_cast<std::ptrdiff_t>(options.queue_batches));
    shards_.push_back(std::move(shard));
  }
  for (auto& shard : shards_)
    arena_.enqueue([this, s = shard.get()] {
      RunShard(*s);
      finished_.count_down();
    });
}

Engine::~Engine() { Drain(); }

void Engine::Submit(RecordChunk* chunk) {
  const uint32_t n = shard_count();
  // Counting sort of record indexes by shard.
  chunk->shard_begin.assign(n + 1, 0);
  for (const ingest::Record& r : chunk->records) ++chunk->shard_begin[ShardOf(r.partition_hash) + 1];
  for (uint32_t s = 0; s < n; ++s) chunk->shard_begin[s + 1] += chunk->shard_begin[s];
  chunk->routed.resize(chunk->records.size());
  std::vector<uint32_t> next(chunk->shard_begin.begin(), chunk->shard_begin.end() - 1);
  for (uint32_t i = 0; i < chunk->records.size(); ++i)
    chunk->routed[next[ShardOf(chunk->records[i].partition_hash)]++] = i;

  int holders = 0;
  for (uint32_t s = 0; s < n; ++s) holders += chunk->shard_begin[s + 1] > chunk->shard_begin[s];
  if (holders == 0) {
    Finish(chunk);
    return;
  }
  chunk->holders.store(holders, std::memory_order_relaxed);
  for (uint32_t s = 0; s < n; ++s)
    if (chunk->shard_begin[s + 1] > chunk->shard_begin[s])
      shards_[s]->queue.push(Batch{chunk, chunk->shard_begin[s], chunk->shard_begin[s + 1]});
}

void Engine::Finish(RecordChunk* chunk) {
  if (chunk->on_processed) chunk->on_processed(*chunk);
  pool_.Release(chunk);
}

struct Engine::Rendezvous {
  explicit Rendezvous(MeetFor what, uint32_t shards, std::vector<std::string>* states)
      : what(what), arrived(shards), released(1), flushed(shards), states(states), errors(shards) {}
  const MeetFor what;
  std::latch arrived;   // every shard has processed what was queued before
  std::latch released;  // the owner has set final_watermark
  std::latch flushed;   // every shard has flushed
  LocalTime final_watermark = LocalTime::Min();
  std::vector<std::string>* const states;  // kSave, kLoad: by shard
  std::vector<std::string> errors;         // kLoad: by shard, empty when it read back
};

void Engine::RunShard(Shard& shard) {
  std::vector<const ingest::Record*> records;
  LocalTime& max_event = shard.max_event;
  ShardStats& stats = shard.stats;
  for (;;) {
    Batch batch;
    // Live ingest hands over many small batches: waiting a moment for the
    // next one is cheaper than sleeping and being woken for it.
    bool got = false;
    for (int spin = 0; spin < 256 && !(got = shard.queue.try_pop(batch)); ++spin) std::this_thread::yield();
    if (!got) shard.queue.pop(batch);
    if (Rendezvous* meet = batch.meet) {
      const MeetFor what = meet->what;
      if (what == MeetFor::kSave) SaveShard(shard, (*meet->states)[shard.id]);
      if (what == MeetFor::kLoad) LoadShard(shard, (*meet->states)[shard.id], meet->errors[shard.id]);
      meet->arrived.count_down();  // a cut's owner may free `meet` from here on
      if (what == MeetFor::kCut || what == MeetFor::kSave || what == MeetFor::kLoad) continue;
      meet->released.wait();
      if (meet->final_watermark > stats.watermark) SetWatermark(shard, meet->final_watermark);
      shard.root->Flush();
      meet->flushed.count_down();  // the owner may free `meet` from here on
      if (what == MeetFor::kStop) break;
      continue;
    }
    records.clear();
    for (uint32_t i = batch.begin; i < batch.end; ++i) {
      const ingest::Record& r = batch.chunk->records[batch.chunk->routed[i]];
      records.push_back(&r);
      if (r.event_time == LocalTime::Min()) continue;
      stats.late += r.event_time < stats.watermark;
      max_event = std::max(max_event, r.event_time);
    }
    stats.records += records.size();
    ++stats.batches;
    shard.root->OnBatch(records);
    if (max_event != LocalTime::Min() && max_event - options_.allowed_lateness_s > stats.watermark)
      SetWatermark(shard, max_event - options_.allowed_lateness_s);
    if (options_.observer) options_.observer->OnApplied(shard.id, records);
    if (batch.chunk->holders.fetch_sub(1, std::memory_order_acq_rel) == 1) Finish(batch.chunk);
  }
}

void Engine::SetWatermark(Shard& shard, LocalTime watermark) {
  shard.stats.watermark = watermark;
  shard.published_watermark.store(watermark.seconds, std::memory_order_relaxed);
  shard.root->OnWatermark(watermark);
}

void Engine::Gather(Rendezvous& meet) {
  for (auto& shard : shards_) shard->queue.push(Batch{nullptr, 0, 0, &meet});
  meet.arrived.wait();
}

void Engine::Meet(MeetFor what) {
  Rendezvous meet(what, shard_count(), nullptr);
  Gather(meet);
  if (what == MeetFor::kCut) return;
  // Every shard waits at the rendezvous: their max_event are stable.
  LocalTime latest = LocalTime::Min();
  for (const auto& shard : shards_) latest = std::max(latest, shard->max_event);
  if (latest != LocalTime::Min()) meet.final_watermark = latest - options_.allowed_lateness_s;
  meet.released.count_down();
  meet.flushed.wait();
}

void Engine::Quiesce() { Meet(MeetFor::kCut); }

std::vector<std::string> Engine::SaveState() {
  std::vector<std::string> states(shard_count());
  Rendezvous meet(MeetFor::kSave, shard_count(), &states);
  Gather(meet);
  return states;
}

Status Engine::LoadState(std::vector<std::string> states) {
  if (states.size() != shard_count())
    return Status::Error("the saved state has " + std::to_string(states.size()) + " shards, the engine " +
                         std::to_string(shard_count()) + " (start with --shards " +
                         std::to_string(states.size()) + ")");
  Rendezvous meet(MeetFor::kLoad, shard_count(), &states);
  Gather(meet);
  for (ShardId s = 0; s < shard_count(); ++s)
    if (!meet.errors[s].empty()) return Status::Error("shard " + std::to_string(s) + ": " + meet.errors[s]);
  return {};
}

void Engine::SaveShard(const Shard& shard, std::string& state) const {
  StateWriter out(state);
  out.Section("shard");
  out.Put(shard.stats);
  out.Put(shard.max_event);
  shard.root->SaveState(out);
}

void Engine::LoadShard(Shard& shard, const std::string& state, std::string& error) {
  StateReader in(state);
  in.Section("shard");
  shard.stats = in.Get<ShardStats>();
  shard.max_event = in.Get<LocalTime>();
  shard.published_watermark.store(shard.stats.watermark.seconds, std::memory_order_relaxed);
  shard.root->LoadState(in);
  if (!in.failed() && !in.at_end()) in.Fail("bytes after the operators' state");
  if (in.failed()) error = in.error();
}

void Engine::FlushWindows() { Meet(MeetFor::kFlush); }

void Engine::Drain() {
  if (drained_) return;
  drained_ = true;
  Meet(MeetFor::kStop);
  finished_.wait();
}

}  // namespace civicflow
