#include "engine/cli/durable_ingest.h"

#include <cstdio>

#include "engine/live_ingest.h"
#include "ingest/archive/archive_parser.h"
#include "storage/state_file.h"
#include "storage/wal/wal_reader.h"

namespace civicflow {
namespace {

using storage::FrameType;
using storage::WalPosition;

std::filesystem::path WalDir(const std::filesystem::path& data_dir) { return data_dir / "wal"; }

// The upload as an archive line (ingest/archive/archive_parser.h).
void ArchiveLine(const ingest::InterfaceSpec& spec, int64_t request_ts_ms, std::string_view body,
                 std::string& line) {
  line.assign(R"({"platform":")");
  line += ingest::PlatformName(spec.platform);
  line += R"(","interface":")";
  line += spec.name;
  line += R"(","ts":)";
  line += std::to_string(request_ts_ms);
  line += R"(,"body":)";
  line += body;
  line += '}';
}

// The body of a line ArchiveLine wrote: platform, interface and ts hold no
// quotes, so the first "body" member is the one.
std::string_view BodyOf(std::string_view line) {
  constexpr std::string_view kBody = R"(,"body":)";
  const size_t at = line.find(kBody);
  if (at == std::string_view::npos || line.size() < at + kBody.size() + 1) return {};
  return line.substr(at + kBody.size(), line.size() - at - kBody.size() - 1);
}

}  // namespace

Result<std::unique_ptr<DurableIngest>> DurableIngest::Open(
    storage::FileSystem& fs, const std::filesystem::path& data_dir, Engine& engine, ChunkPool& pool,
    storage::SegmentTables& segments, const std::optional<storage::Checkpoint>& checkpoint,
    const DurableIngestOptions& options) {
  return std::unique_ptr<DurableIngest>(
      new DurableIngest(fs, data_dir, engine, pool, segments, checkpoint, options));
}

DurableIngest::DurableIngest(storage::FileSystem& fs, std::filesystem::path data_dir, Engine& engine,
                             ChunkPool& pool, storage::SegmentTables& segments,
                             std::optional<storage::Checkpoint> checkpoint,
                             const DurableIngestOptions& options)
    : fs_(fs),
      data_dir_(std::move(data_dir)),
      engine_(engine),
      pool_(pool),
      segments_(segments),
      options_(options),
      checkpoint_(std::move(checkpoint)),
      last_checkpoint_(std::chrono::steady_clock::now()),
      last_state_(last_checkpoint_) {}

DurableIngest::~DurableIngest() {
  if (wal_) wal_->Close();
}

Status DurableIngest::Recover(AdapterMemory& adapters) {
  adapters_ = &adapters;
  const WalPosition checkpointed = checkpoint_ ? checkpoint_->wal : WalPosition{};
  // The state file's position, or the start of the log; frames from there to
  // the checkpoint rebuild state whose rows are published already: muted.
  WalPosition replay_from;
  if (checkpoint_ && checkpoint_->state) {
    Result<WalPosition> loaded = LoadState(*checkpoint_->state);
    if (!loaded.ok()) return loaded.status();
    replay_from = *loaded;
    recovery_.state = storage::StateFileName(replay_from);
    state_at_ = replay_from;
  }
  bool muted = checkpointed > replay_from;
  segments_.SetMuted(muted);
  ingest::ArchiveParser parser;
  ingest::IngestCounts counts;
  Result<storage::WalScan> scan =
      storage::ScanWal(fs_, WalDir(data_dir_), replay_from, [&](const storage::WalFrame& frame) -> Status {
        if (muted && frame.position >= checkpointed) {
          engine_.Quiesce();
          segments_.SetMuted(false);
          muted = false;
        }
        ++recovery_.frames;
        recovery_.muted += muted;
        if (frame.type == FrameType::kFlushWindows) {
          engine_.FlushWindows();
          return {};
        }
        RecordChunk* chunk = pool_.Acquire();
        chunk->input.assign(frame.payload.begin(), frame.payload.end());
        chunk->input.resize(frame.payload.size() + simdjson::SIMDJSON_PADDING);
        counts.dead_letters.clear();
        parser.ParseBlock(chunk->input.data(), frame.payload.size(), chunk->input.size(), *chunk, counts);
        recovery_.unreadable += !counts.dead_letters.empty();
        if (!chunk->records.empty()) adapters.Recall(chunk->records[0].interface, BodyOf(frame.payload));
        engine_.Submit(chunk);
        return {};
      });
  if (!scan.ok()) return scan.status();
  engine_.Quiesce();
  segments_.SetMuted(false);
  if (scan->begin > replay_from || scan->end < checkpointed)
    return Status::Error("the WAL holds positions " + std::to_string(scan->begin.bytes) + " to " +
                         std::to_string(scan->end.bytes) + ", recovery needs " +
                         std::to_string(replay_from.bytes) + " to " + std::to_string(checkpointed.bytes) +
                         ": acknowledged uploads are missing (" +
                         (scan->damage.empty() ? "files removed" : scan->damage) + ")");
  recovery_.damage = scan->damage;
  if (Status s = storage::RepairWal(fs_, WalDir(data_dir_), *scan); !s.ok()) return s;
  // A checkpoint with state here, so another crash does not redo this replay.
  if (recovery_.frames > 0)
    if (Status s = SaveCheckpointAt(scan->end, /*with_state=*/true); !s.ok()) return s;
  Result<std::unique_ptr<storage::WalWriter>> wal =
      storage::WalWriter::Open(fs_, WalDir(data_dir_), scan->end, options_.wal);
  if (!wal.ok()) return wal.status();
  wal_ = std::move(*wal);
  return {};
}

Result<WalPosition> DurableIngest::LoadState(WalPosition named) {
  Result<storage::SavedState> state = storage::LoadStateFile(fs_, data_dir_, named);
  WalPosition at = named;
  if (!state.ok()) {
    // The state kept before it, and the log from there, rebuild the same.
    Result<std::vector<WalPosition>> kept = storage::ListStateFiles(fs_, data_dir_);
    if (kept.ok())
      for (WalPosition older : *kept) {
        if (older >= named) continue;
        Result<storage::SavedState> fallback = storage::LoadStateFile(fs_, data_dir_, older);
        if (!fallback.ok()) continue;
        recovery_.passed_over = state.status().message();
        state = std::move(fallback);
        at = older;
        break;
      }
    if (!state.ok()) return state.status();
  }
  const std::string name = storage::StateFileName(at);
  if (Status s = engine_.LoadState(std::move(state->shards)); !s.ok())
    return Status::Error("state " + name + ": " + s.message());
  StateReader in(state->adapters);
  adapters_->LoadState(in);
  if (!in.failed() && !in.at_end()) in.Fail("bytes after the adapters' state");
  if (in.failed()) return Status::Error("state " + name + ": adapters: " + in.error());
  return at;
}

std::optional<ingest::ValidationError> DurableIngest::Submit(ingest::InterfaceId id, std::string_view json,
                                                             int64_t request_ts_ms, Done done) {
  PreparedUpload upload = PrepareUpload(pool_, id, json, request_ts_ms, std::move(done));
  if (upload.error) return upload.error;
  RecordChunk* chunk = upload.chunk;
  thread_local std::string line;
  ArchiveLine(ingest::Registry::Get().At(id), request_ts_ms, json, line);
  wal_->Append(FrameType::kUpload, line, [this, chunk](const Status& status, WalPosition end) {
    if (!status.ok()) {
      chunk->not_stored = true;
      chunk->on_processed(*chunk);
      pool_.Release(chunk);
      return;
    }
    engine_.Submit(chunk);
    MaybeCheckpoint(end, /*force=*/false);
  });
  return std::nullopt;
}

void DurableIngest::MaybeCheckpoint(WalPosition end, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_checkpoint_ < options_.checkpoint_interval) return;
  last_checkpoint_ = now;
  const bool with_state = force || now - last_state_ >= options_.state_interval;
  engine_.Quiesce();
  if (Status s = SaveCheckpointAt(end, with_state); !s.ok()) {
    // Recovery then starts from the previous checkpoint: slower, not wrong.
    std::fprintf(stderr, "civicflow: checkpoint failed: %s\n", s.message().c_str());
    checkpoint_status_ = s;
  }
}

Status DurableIngest::SaveCheckpointAt(WalPosition end, bool with_state) {
  if (with_state) {
    const auto start = std::chrono::steady_clock::now();
    storage::SavedState state;
    state.shards = engine_.SaveState();
    StateWriter adapters(state.adapters);
    adapters_->SaveState(adapters);
    if (Status s = storage::SaveStateFile(fs_, data_dir_, end, state); !s.ok()) return s;
    uint64_t bytes = state.adapters.size();
    for (const std::string& shard : state.shards) bytes += shard.size();
    if (options_.on_state_saved) options_.on_state_saved(std::chrono::steady_clock::now() - start, bytes);
  }
  Result<uint64_t> epoch = segments_.Publish();
  if (!epoch.ok()) return epoch.status();
  const std::optional<WalPosition> state_at = with_state ? std::optional(end) : state_at_;
  if (Status s = storage::SaveCheckpoint(fs_, data_dir_, storage::Checkpoint{end, *epoch, state_at}); !s.ok())
    return s;
  if (!with_state) return {};
  // What the checkpoint no longer needs; a failure here costs disk space only.
  // The previous state stays, with the log after it, in case this one is
  // found damaged.
  const WalPosition previous = state_at_.value_or(end);
  state_at_ = end;
  last_state_ = std::chrono::steady_clock::now();
  const WalPosition keep[] = {end, previous};
  Status tidy = storage::RemoveStateFilesExcept(fs_, data_dir_, keep);
  if (tidy.ok()) tidy = storage::DropWalBefore(fs_, WalDir(data_dir_), previous, options_.wal_retention);
  if (!tidy.ok()) std::fprintf(stderr, "civicflow: after the checkpoint: %s\n", tidy.message().c_str());
  return {};
}

Status DurableIngest::Close() {
  Status flush_status;
  wal_->Append(FrameType::kFlushWindows, {}, [&](const Status& status, WalPosition end) {
    flush_status = status;
    if (!status.ok()) return;  // not in the log: not done either
    engine_.FlushWindows();
    checkpoint_status_ = Status();
    MaybeCheckpoint(end, /*force=*/true);
  });
  wal_->Close();
  return flush_status.ok() ? checkpoint_status_ : flush_status;
}

}  // namespace civicflow
