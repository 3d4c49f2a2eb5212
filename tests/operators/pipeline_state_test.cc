// Checkpointed state, end to end: the whole analytics pipeline over a
// generated archive (duplicates, corrections, late and invalid records on
// every platform), once uninterrupted and once stopped at several cuts —
// each time the engine's state is saved, the engine is thrown away with
// whatever it would still have emitted, and a fresh engine loads the state
// and goes on. Every table and every counter must come out the same.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/engine.h"
#include "ingest/archive/archive_parser.h"
#include "operators/shard_pipeline.h"
#include "tests/support/http_uploads.h"
#include "tests/support/table_capture.h"
#include "tests/support/table_compare.h"

namespace civicflow {
namespace {

constexpr uint32_t kShards = 3;

using Captures = std::vector<std::array<testing::TableCapture, operators::kTableCount>>;

struct Outcome {
  std::array<std::vector<std::vector<std::string>>, operators::kTableCount> tables;  // sorted rows
  std::vector<uint64_t> duplicates, corrections;
  uint64_t late_rows = 0, records = 0, late = 0;
};

// Runs `lines` (archive lines, one upload each) through a fresh engine per
// stretch between cuts; `cuts` are line indexes at which state is saved and
// loaded into the next engine.
Outcome RunPipeline(const std::vector<std::string>& lines, const std::vector<size_t>& cuts) {
  ChunkPool pool(8);
  Captures captures(kShards);
  std::vector<const operators::Deduplicator*> dedups(kShards);
  EngineOptions options;
  options.shards = kShards;
  const auto make_engine = [&] {
    return std::make_unique<Engine>(options, pool, [&](ShardId shard) {
      operators::ShardSinks sinks;
      for (size_t t = 0; t < operators::kTableCount; ++t) sinks[t] = &captures[shard][t];
      operators::ShardPipeline pipeline = operators::MakeShardPipeline(operators::AnalyticsOptions{}, sinks);
      dedups[shard] = pipeline.dedup;
      return std::move(pipeline.root);
    });
  };
  Outcome out;
  std::unique_ptr<Engine> engine = make_engine();
  ingest::ArchiveParser parser;
  ingest::IngestCounts counts;
  size_t next_cut = 0;
  for (size_t i = 0; i <= lines.size(); ++i) {
    if (next_cut < cuts.size() && cuts[next_cut] == i) {
      ++next_cut;
      engine->Quiesce();
      std::vector<std::string> state = engine->SaveState();
      // What the engine emits from here on (its end-of-input flush) is lost, as in a crash.
      std::vector<std::array<size_t, operators::kTableCount>> kept(kShards);
      for (uint32_t s = 0; s < kShards; ++s)
        for (size_t t = 0; t < operators::kTableCount; ++t) kept[s][t] = captures[s][t].rows.size();
      engine.reset();
      for (uint32_t s = 0; s < kShards; ++s)
        for (size_t t = 0; t < operators::kTableCount; ++t) captures[s][t].rows.resize(kept[s][t]);
      engine = make_engine();
      const Status loaded = engine->LoadState(std::move(state));
      EXPECT_TRUE(loaded.ok()) << loaded.message();
    }
    if (i == lines.size()) break;
    RecordChunk* chunk = pool.Acquire();
    chunk->input.assign(lines[i].begin(), lines[i].end());
    chunk->input.resize(lines[i].size() + simdjson::SIMDJSON_PADDING);
    parser.ParseBlock(chunk->input.data(), lines[i].size(), chunk->input.size(), *chunk, counts);
    engine->Submit(chunk);
  }
  engine->Drain();
  for (uint32_t s = 0; s < kShards; ++s) {
    for (size_t t = 0; t < operators::kTableCount; ++t) {
      auto& rows = captures[s][t].rows;
      out.tables[t].insert(out.tables[t].end(), rows.begin(), rows.end());
    }
    const auto add = [](std::vector<uint64_t>& into, const std::vector<uint64_t>& from) {
      into.resize(std::max(into.size(), from.size()));
      for (size_t i = 0; i < from.size(); ++i) into[i] += from[i];
    };
    add(out.duplicates, dedups[s]->duplicates());
    add(out.corrections, dedups[s]->corrections());
    out.late_rows += dedups[s]->late_rows();
    out.records += engine->stats(s).records;
    out.late += engine->stats(s).late;
  }
  for (auto& table : out.tables) std::sort(table.begin(), table.end());
  return out;
}

TEST(PipelineState, CutSavedAndLoadedAnywhereTheTablesAndCountersAreTheSame) {
  const std::filesystem::path dir = testing::FreshTestDir("pipeline-state");
  datagen::GeneratorOptions generate = testing::FaultyArchive(dir, 30'000, 5);
  ASSERT_TRUE(datagen::Generate(generate).ok());
  std::vector<std::string> lines;
  std::ifstream in(generate.out_path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  ASSERT_GT(lines.size(), 500u);

  const Outcome whole = RunPipeline(lines, {});
  size_t rows = 0;
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    EXPECT_FALSE(whole.tables[t].empty()) << operators::Schema(static_cast<operators::Table>(t)).name;
    rows += whole.tables[t].size();
  }
  ASSERT_GT(whole.late_rows, 0u) << "the archive must exercise late data";

  const size_t n = lines.size();
  const std::vector<size_t> cuts = {1, n / 7, n / 3, n / 2 + 1, 4 * n / 5, n - 1};
  const Outcome cut = RunPipeline(lines, cuts);
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const auto& want = whole.tables[t];
    const auto& got = cut.tables[t];
    std::vector<std::vector<std::string>> missing, extra;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
    const std::string table(operators::Schema(static_cast<operators::Table>(t)).name);
    EXPECT_TRUE(missing.empty() && extra.empty())
        << table << ": " << missing.size() << " rows missing, " << extra.size() << " extra, e.g. "
        << (missing.empty() ? "" : "missing " + testing::Join(missing[0])) << " "
        << (extra.empty() ? "" : "extra " + testing::Join(extra[0]));
  }
  EXPECT_EQ(cut.duplicates, whole.duplicates);
  EXPECT_EQ(cut.corrections, whole.corrections);
  EXPECT_EQ(cut.late_rows, whole.late_rows);
  EXPECT_EQ(cut.records, whole.records);
  EXPECT_EQ(cut.late, whole.late);
  std::printf("%zu lines, %zu rows, %zu cuts\n", lines.size(), rows, cuts.size());
}

// The mutation the test above must catch: a cut whose state is not loaded.
TEST(PipelineState, ACutThatForgetsTheStateChangesTheTables) {
  const std::filesystem::path dir = testing::FreshTestDir("pipeline-state-forget");
  datagen::GeneratorOptions generate = testing::FaultyArchive(dir, 5'000, 6);
  ASSERT_TRUE(datagen::Generate(generate).ok());
  std::vector<std::string> lines;
  std::ifstream in(generate.out_path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(std::move(line));
  const Outcome whole = RunPipeline(lines, {});
  Outcome first = RunPipeline(std::vector<std::string>(lines.begin(), lines.begin() + lines.size() / 2), {});
  Outcome second = RunPipeline(std::vector<std::string>(lines.begin() + lines.size() / 2, lines.end()), {});
  size_t differing = 0;
  for (size_t t = 0; t < operators::kTableCount; ++t) {
    auto both = first.tables[t];
    both.insert(both.end(), second.tables[t].begin(), second.tables[t].end());
    std::sort(both.begin(), both.end());
    differing += both != whole.tables[t];
  }
  EXPECT_GT(differing, 0u) << "starting over mid-stream must change some table";
}

}  // namespace
}  // namespace civicflow
