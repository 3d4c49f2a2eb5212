// Restart cost with checkpointed state against replaying the whole log, in
// one run over one archive, through the full analytics of every shard:
//   reference — what a restart without state does: every upload parsed and
//               run through fresh engines again (the WAL read from memory);
//   ours      — what a restart with state does: the state saved at the end
//               (SaveState of every shard, on their threads, as a checkpoint
//               does) loaded into fresh engines (LoadState), plus the save
//               itself, which pauses ingest at each --state-interval.
// Serialisation only: writing and fsyncing the state file (one sequential
// write) and reading the log are outside both timings.
// Usage: recovery_bench --archive FILE [--shards N]
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "ingest/archive/archive_parser.h"
#include "operators/shard_pipeline.h"

namespace {

using namespace civicflow;
using Clock = std::chrono::steady_clock;

// Sinks that drop rows: the timings are of the operators, not of output.
class NullSink final : public TableSink {
 public:
  void Row(std::span<const std::string_view>) override {}
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string archive;
  uint32_t shards = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--archive") == 0) archive = argv[i + 1];
    if (std::strcmp(argv[i], "--shards") == 0) shards = static_cast<uint32_t>(std::stoul(argv[i + 1]));
  }
  if (archive.empty()) {
    std::fprintf(stderr, "usage: recovery_bench --archive FILE [--shards N]\n");
    return 2;
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(archive);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(std::move(line));
  }

  ChunkPool pool(16);
  NullSink sink;
  operators::ShardSinks sinks;
  sinks.fill(&sink);
  EngineOptions options;
  options.shards = shards;
  const auto fresh_engine = [&] {
    return std::make_unique<Engine>(options, pool, [&](ShardId) {
      return operators::MakeShardPipeline(operators::AnalyticsOptions{}, sinks).root;
    });
  };

  // Reference: the whole log through fresh engines.
  const Clock::time_point replay_start = Clock::now();
  std::unique_ptr<Engine> engine = fresh_engine();
  ingest::ArchiveParser parser;
  ingest::IngestCounts counts;
  uint64_t records = 0;
  for (const std::string& line : lines) {
    RecordChunk* chunk = pool.Acquire();
    chunk->input.assign(line.begin(), line.end());
    chunk->input.resize(line.size() + simdjson::SIMDJSON_PADDING);
    parser.ParseBlock(chunk->input.data(), line.size(), chunk->input.size(), *chunk, counts);
    records += chunk->records.size();
    engine->Submit(chunk);
  }
  engine->Quiesce();
  const Clock::duration replay = Clock::now() - replay_start;

  const Clock::time_point save_start = Clock::now();
  std::vector<std::string> state = engine->SaveState();
  const Clock::duration save = Clock::now() - save_start;
  uint64_t bytes = 0;
  for (const std::string& s : state) bytes += s.size();

  std::unique_ptr<Engine> restarted = fresh_engine();
  const Clock::time_point load_start = Clock::now();
  const Status loaded = restarted->LoadState(std::move(state));
  const Clock::duration load = Clock::now() - load_start;
  if (!loaded.ok()) {
    std::fprintf(stderr, "recovery_bench: %s\n", loaded.message().c_str());
    return 1;
  }

  std::printf("%zu uploads, %llu records, %u shards\n", lines.size(),
              static_cast<unsigned long long>(records), shards);
  std::printf("| restart | ms | vs replaying the log |\n|---|---|---|\n");
  std::printf("| replay the whole log (reference) | %.0f | 1.0x |\n", Ms(replay));
  std::printf("| load the state (ours) | %.0f | %.1fx faster |\n", Ms(load), Ms(replay) / Ms(load));
  std::printf("state: %.1f MB (%.0f bytes a record), saved in %.0f ms (ingest waits meanwhile)\n",
              bytes / 1e6, static_cast<double>(bytes) / static_cast<double>(records), Ms(save));
  return 0;
}
