#include "engine/live_ingest.h"

#include <cstring>

namespace civicflow {

std::optional<ingest::ValidationError> LiveIngest::Submit(ingest::InterfaceId id, std::string_view json,
                                                          int64_t request_ts_ms, Done done) {
  RecordChunk* chunk = pool_.Acquire();
  // The text goes into the chunk's own padded buffer: no allocation once warm.
  std::vector<char>& input = chunk->input;
  if (input.size() < json.size() + simdjson::SIMDJSON_PADDING)
    input.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(input.data(), json.data(), json.size());
  const ingest::ParseOutcome outcome =
      ingest::ParseBodyText(id, simdjson::padded_string_view(input.data(), json.size(), input.size()),
                            request_ts_ms, chunk->arena, chunk->records);
  if (outcome.error) {
    pool_.Release(chunk);
    return outcome.error;
  }
  chunk->on_processed = [done = std::move(done)](const RecordChunk& processed) {
    ingest::http::SubmitOutcome result;
    result.records = static_cast<uint32_t>(processed.records.size());
    for (const ingest::Record& r : processed.records) {
      result.duplicates += r.fate == ingest::Fate::kDuplicate;
      result.corrections += r.fate == ingest::Fate::kCorrection;
    }
    result.accepted = result.records - result.duplicates;
    done(result);
  };
  engine_.Submit(chunk);
  return std::nullopt;
}

}  // namespace civicflow
