#pragma once
// LiveIngest: the engine's side of RecordSubmitter, for `civicflow serve`.
// Each upload is validated into a chunk of its own on the calling I/O
// thread and submitted to the shards; the chunk's last shard reports every
// record's fate (new, duplicate, correction) to the upload's `done`.
// Thread-safe; blocks the caller while every chunk is in flight
// (backpressure).
#include "engine/engine.h"
#include "ingest/http/record_submitter.h"

namespace civicflow {

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
