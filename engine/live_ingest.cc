#include "engine/live_ingest.h"

#include <cstring>

namespace civicflow {

PreparedUpload PrepareUpload(ChunkPool& pool, ingest::InterfaceId id, std::string_view json,
                             int64_t request_ts_ms, ingest::http::RecordSubmitter::Done done) {
  RecordChunk* chunk = pool.Acquire();
  std::vector<char>& input = chunk->input;
  if (input.size() < json.size() + simdjson::SIMDJSON_PADDING)
    input.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(input.data(), json.data(), json.size());
  const ingest::ParseOutcome outcome =
      ingest::ParseBodyText(id, simdjson::padded_string_view(input.data(), json.size(), input.size()),
                            request_ts_ms, chunk->arena, chunk->records);
  if (outcome.error) {
    pool.Release(chunk);
    return {nullptr, outcome.error};
  }
  chunk->on_processed = [done = std::move(done)](const RecordChunk& processed) {
    ingest::http::SubmitOutcome result;
    result.stored = !processed.not_stored;
    if (result.stored) {
      result.records = static_cast<uint32_t>(processed.records.size());
      for (const ingest::Record& r : processed.records) {
        result.duplicates += r.fate == ingest::Fate::kDuplicate;
        result.corrections += r.fate == ingest::Fate::kCorrection;
      }
      result.accepted = result.records - result.duplicates;
    }
    done(result);
  };
  return {chunk, std::nullopt};
}

std::optional<ingest::ValidationError> LiveIngest::Submit(ingest::InterfaceId id, std::string_view json,
                                                          int64_t request_ts_ms, Done done) {
  PreparedUpload upload = PrepareUpload(pool_, id, json, request_ts_ms, std::move(done));
  if (upload.error) return upload.error;
  engine_.Submit(upload.chunk);
  return std::nullopt;
}

}  // namespace civicflow
