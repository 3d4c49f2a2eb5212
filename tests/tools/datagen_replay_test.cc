// civicflow-datagen against the real replay: for an archive with every kind of
// injected fault, replay must count exactly what the generator's manifest says,
// interface by interface; and a seed must always give the same bytes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "engine/cli/replay.h"
#include "ingest/registry/record_parser.h"
#include "tools/datagen/generator.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using datagen::GeneratorOptions;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path TestDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("civicflow-datagen-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string QualifiedName(const ingest::InterfaceSpec& spec) {
  return std::string(ingest::PlatformName(spec.platform)) + "/" + std::string(spec.name);
}

TEST(DatagenReplayTest, ReplayCountsWhatTheManifestSays) {
  const fs::path dir = TestDir("replay");
  GeneratorOptions options;
  options.out_path = (dir / "archive.ndjson").string();
  options.manifest_path = (dir / "manifest.json").string();
  options.records = 200000;
  options.seed = 7;
  options.duplicate_rate = 0.02;
  options.correction_rate = 0.01;
  options.late_rate = 0.01;
  options.invalid_rate = 0.01;
  options.missing_record_rate = 0.02;
  auto summary = datagen::Generate(options);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_GT(summary->valid_records, 150000u);
  EXPECT_LT(summary->valid_records, 260000u);

  ReplayOptions replay;
  replay.data_dir = (dir / "data").string();
  replay.files = {options.out_path};
  replay.shards = 2;
  replay.threads = 2;
  auto report = RunReplay(replay);
  ASSERT_TRUE(report.ok()) << report.status().message();

  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  ASSERT_EQ(parser.parse(ReadFile(options.manifest_path)).get(manifest), simdjson::SUCCESS);
  const ingest::Registry& registry = ingest::Registry::Get();
  std::map<std::string, ingest::InterfaceId> ids;
  for (const ingest::InterfaceSpec* spec : registry.All()) ids[QualifiedName(*spec)] = registry.IdOf(*spec);

  std::map<std::string, InterfaceCounts> expected;
  simdjson::dom::object interfaces;
  ASSERT_EQ(manifest["interfaces"].get(interfaces), simdjson::SUCCESS);
  for (auto [name, counts] : interfaces) {
    ASSERT_TRUE(ids.contains(std::string(name))) << name;
    InterfaceCounts& c = expected[std::string(name)];
    c.accepted = counts["accepted"].get_uint64();
    c.rejected = counts["rejected"].get_uint64();
    c.duplicates = counts["duplicates"].get_uint64();
    c.corrections = counts["corrections"].get_uint64();
  }
  uint64_t with_duplicates = 0, with_corrections = 0;
  for (const auto& [name, id] : ids) {
    const InterfaceCounts want = expected.contains(name) ? expected[name] : InterfaceCounts{};
    const InterfaceCounts& got = report->by_interface[id];
    EXPECT_EQ(got.accepted, want.accepted) << name;
    EXPECT_EQ(got.rejected, want.rejected) << name;
    EXPECT_EQ(got.duplicates, want.duplicates) << name;
    EXPECT_EQ(got.corrections, want.corrections) << name;
    with_duplicates += want.duplicates > 0;
    with_corrections += want.corrections > 0;
  }
  EXPECT_EQ(report->rejected_unknown, manifest["rejected_unknown"].get_uint64().value());
  EXPECT_EQ(report->TotalAccepted(), manifest["totals"]["accepted"].get_uint64().value());
  EXPECT_EQ(report->TotalRejected(), manifest["totals"]["rejected"].get_uint64().value());
  EXPECT_EQ(report->TotalDuplicates(), manifest["totals"]["duplicates"].get_uint64().value());

  // Every platform and every kind of fault is present.
  for (std::string_view platform : {"fitness/", "parking/", "community/", "ticketing/", "orienteering/"}) {
    uint64_t accepted = 0;
    for (const auto& [name, c] : expected) accepted += name.starts_with(platform) ? c.accepted : 0;
    EXPECT_GT(accepted, 0u) << platform;
  }
  EXPECT_GT(with_duplicates, 10u);
  EXPECT_GT(with_corrections, 10u);
  const auto injected = manifest["injected"];
  for (const char* key :
       {"late", "missing_enter", "missing_exit", "duplicate_requests", "correction_requests"})
    EXPECT_GT(injected[key].get_uint64().value(), 0u) << key;
  uint64_t invalid_lines = 0;
  simdjson::dom::object by_rule;
  ASSERT_EQ(injected["invalid_by_rule"].get(by_rule), simdjson::SUCCESS);
  for (auto [rule, n] : by_rule) {
    EXPECT_GT(n.get_uint64().value(), 0u) << rule;
    invalid_lines += n.get_uint64();
  }
  EXPECT_EQ(invalid_lines, injected["invalid_requests"].get_uint64().value());
  // Records sent 70 min to 6 h after their event are behind the watermark (1 h lateness).
  EXPECT_GE(report->late, injected["late"].get_uint64().value() * 9 / 10);

  // Every dead letter names a rule, and there is one per invalid line.
  std::set<std::string> rules;
  for (int r = 0; r <= static_cast<int>(ingest::Rule::kDuplicateField); ++r)
    rules.insert(std::string(ingest::RuleName(static_cast<ingest::Rule>(r))));
  std::ifstream letters(fs::path(replay.data_dir) / "dead-letter.ndjson");
  std::map<std::string, uint64_t> letters_by_rule;
  uint64_t dead = 0;
  simdjson::dom::parser letter_parser;  // `parser` still owns the manifest
  for (std::string line; std::getline(letters, line);) {
    ++dead;
    simdjson::dom::element letter;
    ASSERT_EQ(letter_parser.parse(line).get(letter), simdjson::SUCCESS) << line;
    std::string_view rule;
    ASSERT_EQ(letter["rule"].get(rule), simdjson::SUCCESS) << line;
    EXPECT_TRUE(rules.contains(std::string(rule))) << line;
    ++letters_by_rule[std::string(rule)];
  }
  EXPECT_EQ(dead, invalid_lines);
  for (auto [rule, n] : by_rule)
    EXPECT_EQ(letters_by_rule[std::string(rule)], n.get_uint64().value()) << rule;
}

TEST(DatagenReplayTest, SameSeedGivesTheSameBytes) {
  const fs::path dir = TestDir("determinism");
  GeneratorOptions options;
  options.records = 40000;
  options.seed = 11;
  std::string archives[3], manifests[3];
  for (int run = 0; run < 3; ++run) {
    options.out_path = (dir / ("archive-" + std::to_string(run))).string();
    options.manifest_path = (dir / ("manifest-" + std::to_string(run))).string();
    if (run == 2) options.seed = 12;
    auto summary = datagen::Generate(options);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    archives[run] = ReadFile(options.out_path);
    manifests[run] = ReadFile(options.manifest_path);
  }
  EXPECT_FALSE(archives[0].empty());
  EXPECT_TRUE(archives[0] == archives[1]);
  EXPECT_EQ(manifests[0], manifests[1]);
  EXPECT_FALSE(archives[0] == archives[2]);
}

TEST(DatagenReplayTest, RejectsBadOptions) {
  GeneratorOptions options;
  options.out_path = (TestDir("options") / "archive").string();
  options.start_date = "2026-02-30";
  EXPECT_FALSE(datagen::Generate(options).ok());
  options.start_date = "2026-11-16";
  options.duplicate_rate = 1.5;
  EXPECT_FALSE(datagen::Generate(options).ok());
}

}  // namespace
}  // namespace civicflow
