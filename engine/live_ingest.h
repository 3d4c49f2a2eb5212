#pragma once
// LiveIngest: the engine's side of RecordSubmitter without a WAL (tests,
// and the building blocks DurableIngest shares). Each upload is validated
// into a chunk of its own on the calling I/O thread and submitted to the
// shards; the chunk's last shard reports every record's fate (new,
// duplicate, correction) to the upload's `done`. Thread-safe; blocks the
// caller while every chunk is in flight (backpressure).
#include "engine/engine.h"
#include "ingest/http/record_submitter.h"

namespace civicflow {

// An upload validated into a chunk of the pool (its own padded copy of the
// text: no allocation once warm), whose completion reports the fates of its
// records — or, for a chunk marked not stored, that nothing was kept — to
// `done`. Invalid: `error`, and the chunk went back to the pool.
struct PreparedUpload {
  RecordChunk* chunk = nullptr;
  std::optional<ingest::ValidationError> error;
};
PreparedUpload PrepareUpload(ChunkPool& pool, ingest::InterfaceId id, std::string_view json,
                             int64_t request_ts_ms, ingest::http::RecordSubmitter::Done done);

class LiveIngest final : public ingest::http::RecordSubmitter {
 public:
  LiveIngest(Engine& engine, ChunkPool& pool) : engine_(engine), pool_(pool) {}

  std::optional<ingest::ValidationError> Submit(ingest::InterfaceId id, std::string_view json,
                                                int64_t request_ts_ms, Done done) override;

 private:
  Engine& engine_;
  ChunkPool& pool_;
};

}  // namespace civicflow
