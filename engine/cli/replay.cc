#include "engine/cli/replay.h"

#include <sys/resource.h>
#include <tbb/parallel_pipeline.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "engine/cli/analytics_runtime.h"
#include "engine/cli/pg_export.h"
#include "ingest/archive/archive_parser.h"
#include "ingest/archive/archive_reader.h"

namespace civicflow {
namespace {

using ingest::Registry;

struct Token {
  RecordChunk* chunk = nullptr;
  size_t length = 0;
  size_t file = 0;
  std::unique_ptr<ingest::IngestCounts> counts;
};

std::string QualifiedName(ingest::InterfaceId id) {
  const auto& spec = Registry::Get().At(id);
  return std::string(ingest::PlatformName(spec.platform)) + "/" + std::string(spec.name);
}

}  // namespace

uint64_t ReplayReport::TotalAccepted() const {
  uint64_t n = 0;
  for (const auto& c : by_interface) n += c.accepted;
  return n;
}
uint64_t ReplayReport::TotalRejected() const {
  uint64_t n = rejected_unknown;
  for (const auto& c : by_interface) n += c.rejected;
  return n;
}
uint64_t ReplayReport::TotalDuplicates() const {
  uint64_t n = 0;
  for (const auto& c : by_interface) n += c.duplicates;
  return n;
}

std::string ReplayReport::Table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-48s %12s %10s %10s %11s\n", "interface", "accepted", "rejected",
                "duplicate", "corrected");
  out += line;
  for (size_t id = 0; id < by_interface.size(); ++id) {
    const InterfaceCounts& c = by_interface[id];
    if (!c.accepted && !c.rejected && !c.duplicates) continue;
    std::snprintf(line, sizeof line, "%-48s %12llu %10llu %10llu %11llu\n",
                  QualifiedName(static_cast<ingest::InterfaceId>(id)).c_str(),
                  static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.rejected),
                  static_cast<unsigned long long>(c.duplicates),
                  static_cast<unsigned long long>(c.corrections));
    out += line;
  }
  if (rejected_unknown) {
    std::snprintf(line, sizeof line, "%-48s %12s %10llu\n", "(unknown interface or bad envelope)", "",
                  static_cast<unsigned long long>(rejected_unknown));
    out += line;
  }
  std::snprintf(line, sizeof line, "%-48s %12llu %10llu %10llu\n", "total",
                static_cast<unsigned long long>(TotalAccepted()),
                static_cast<unsigned long long>(TotalRejected()),
                static_cast<unsigned long long>(TotalDuplicates()));
  out += line;
  return out;
}

std::string ReplayReport::Json() const {
  std::string out = "{\"interfaces\":{";
  bool first = true;
  for (size_t id = 0; id < by_interface.size(); ++id) {
    const InterfaceCounts& c = by_interface[id];
    if (!c.accepted && !c.rejected && !c.duplicates) continue;
    if (!first) out += ',';
    first = false;
    out += "\"" + QualifiedName(static_cast<ingest::InterfaceId>(id)) +
           "\":{\"accepted\":" + std::to_string(c.accepted) + ",\"rejected\":" + std::to_string(c.rejected) +
           ",\"duplicates\":" + std::to_string(c.duplicates) +
           ",\"corrections\":" + std::to_string(c.corrections) + "}";
  }
  out += "},\"rejected_unknown\":" + std::to_string(rejected_unknown) +
         ",\"totals\":{\"accepted\":" + std::to_string(TotalAccepted()) +
         ",\"rejected\":" + std::to_string(TotalRejected()) +
         ",\"duplicates\":" + std::to_string(TotalDuplicates()) + "},\"late\":" + std::to_string(late) +
         ",\"late_rows\":" + std::to_string(late_rows) + ",\"rows\":" + std::to_string(rows) +
         ",\"input_bytes\":" + std::to_string(input_bytes) + ",\"seconds\":" + std::to_string(seconds) +
         ",\"peak_rss_bytes\":" + std::to_string(peak_rss_bytes) + "}\n";
  return out;
}

Result<ReplayReport> RunReplay(const ReplayOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::filesystem::path dir(options.data_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error("cannot create data dir " + options.data_dir + ": " + ec.message());

  // Every file must be readable before anything is processed.
  std::vector<ingest::ArchiveReader> readers;
  for (const std::string& file : options.files) {
    auto reader = ingest::ArchiveReader::Open(file, options.block_bytes);
    if (!reader.ok()) return reader.status();
    readers.push_back(std::move(*reader));
  }

  ReplayReport report;
  const size_t interfaces = Registry::Get().All().size();
  report.by_interface.resize(interfaces);

  RuntimeOptions runtime_options;
  runtime_options.data_dir = options.data_dir;
  runtime_options.shards = options.shards;
  runtime_options.ingest_threads = options.threads;
  runtime_options.allowed_lateness_s = options.allowed_lateness_s;
  runtime_options.analytics.dedup.horizon_s = options.dedup_horizon_s;
  runtime_options.analytics.reconcile_grace_s = options.reconcile_grace_s;
  runtime_options.epoch_manifests = !options.pg_url.empty();
  const size_t tokens = 2 * options.threads;
  runtime_options.chunks = tokens + 2 * options.shards + 2;
  auto runtime = AnalyticsRuntime::Open(runtime_options);
  if (!runtime.ok()) return runtime.status();
  Engine& engine = (*runtime)->engine();
  ChunkPool& pool = (*runtime)->pool();
  report.outputs = (*runtime)->outputs();
  const std::string dead_letter_path = (dir / "dead-letter.ndjson").string();
  std::FILE* dead_letters = std::fopen(dead_letter_path.c_str(), "wb");
  if (!dead_letters) return Status::Error("cannot create " + dead_letter_path);

  ingest::IngestCounts totals;
  size_t file = 0;
  std::vector<uint64_t> next_line(readers.size(), 1);  // per file, of the next block (serial stage only)
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Token*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> Token* {
        auto token = std::make_unique<Token>();
        token->chunk = pool.Acquire();
        while (file < readers.size() && !readers[file].Next(token->chunk->input, token->length)) ++file;
        if (file == readers.size()) {
          pool.Release(token->chunk);
          fc.stop();
          return nullptr;
        }
        token->file = file;
        report.input_bytes += token->length;
        return token.release();
      }) & tbb::make_filter<Token*, Token*>(tbb::filter_mode::parallel, [&](Token* token) {
        thread_local ingest::ArchiveParser parser;
        token->counts = std::make_unique<ingest::IngestCounts>();
        RecordChunk& chunk = *token->chunk;
        parser.ParseBlock(chunk.input.data(), token->length, chunk.input.size(), chunk, *token->counts);
        return token;
      }) & tbb::make_filter<Token*, void>(tbb::filter_mode::serial_in_order, [&](Token* token) {
        std::unique_ptr<Token> owned(token);
        const ingest::IngestCounts& counts = *owned->counts;
        if (!counts.dead_letters.empty()) {
          const std::string letters =
              counts.DeadLetterJson(options.files[owned->file], next_line[owned->file]);
          std::fwrite(letters.data(), 1, letters.size(), dead_letters);
        }
        next_line[owned->file] += counts.lines;
        totals.Merge(*owned->counts);
        engine.Submit(owned->chunk);
      }));
  std::fclose(dead_letters);
  auto ran = (*runtime)->Close();
  if (!ran.ok()) return ran.status();
  // A replay's segments are final as a whole (civicflow-seg compacts final epochs only).
  // No state: a server started on this dir begins with fresh operators.
  if (Status s = storage::SaveCheckpoint(storage::FileSystem::Posix(), dir,
                                         {storage::WalPosition{}, ran->epoch, std::nullopt});
      !s.ok())
    return s;
  if (!options.pg_url.empty()) {
    PgExport pg(options.pg_url, dir);
    if (!pg.WaitCaughtUp(std::chrono::minutes(2)))
      return Status::Error("PostgreSQL did not take the tables: " + pg.problem());
  }
  for (size_t id = 0; id < interfaces; ++id) {
    InterfaceCounts& c = report.by_interface[id];
    c.duplicates = ran->duplicates[id];
    c.corrections = ran->corrections[id];
    c.accepted = totals.valid[id] - c.duplicates;
    c.rejected = totals.rejected[id];
  }
  report.late = ran->late;
  report.late_rows = ran->late_rows;
  report.rows = ran->rows;
  report.outputs.push_back(dead_letter_path);
  report.rejected_unknown = totals.rejected_unknown;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  report.peak_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;

  const std::string summary_path = (dir / "replay-summary.json").string();
  if (std::FILE* summary = std::fopen(summary_path.c_str(), "wb")) {
    const std::string json = report.Json();
    std::fwrite(json.data(), 1, json.size(), summary);
    std::fclose(summary);
    report.outputs.push_back(summary_path);
  }
  return report;
}

}  // namespace civicflow
