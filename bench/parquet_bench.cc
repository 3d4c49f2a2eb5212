// Raw record tables written as Parquet by our writer (operators/raw_records.h):
//   parquet_bench --archive FILE --out DIR [--threads N] [--zstd-level N] [--row-group-rows N]
//                 [--page-bytes N] [--no-ndjson]
// Parses the whole archive into memory first and runs the Deduplicator over it
// (so `correction` is real and duplicates, which are not kept, are dropped);
// neither is timed. Timed: writing every kept record into its raw table's
// file DIR/ours/<table>.parquet (one file per table, ZSTD), from creating the
// writers to closing them (fsync included); with --threads N the tables are
// split between N threads (each table's file written by one). Then, untimed, the same rows as flat NDJSON per
// table (DIR/ndjson/<table>.ndjson, same column names and values) with their
// DuckDB column types (<table>.columns.json) for bench/parquet_duckdb.mjs.
// Prints the figures and writes them to DIR/ours.json. MB/s is of the archive
// NDJSON's size (the input every contender in parquet_bench.sh is credited
// with), MB = 10^6 bytes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/record_chunk.h"
#include "ingest/archive/archive_parser.h"
#include "ingest/archive/archive_reader.h"
#include "operators/deduplicator.h"
#include "operators/raw_records.h"
#include "storage/parquet/parquet_writer.h"

namespace {

namespace fs = std::filesystem;
namespace ops = civicflow::operators;
namespace pq = civicflow::storage::parquet;
using civicflow::RecordChunk;
using Clock = std::chrono::steady_clock;

// CPU time of this thread: steadier than wall time on a shared machine.
double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

const char* DuckDbType(pq::ColumnType type) {
  switch (type) {
    case pq::ColumnType::kString:
      return "VARCHAR";
    case pq::ColumnType::kInt32:
      return "INTEGER";
    case pq::ColumnType::kInt64:
      return "BIGINT";
    case pq::ColumnType::kDouble:
      return "DOUBLE";
    case pq::ColumnType::kBool:
      return "BOOLEAN";
    case pq::ColumnType::kDate:
      return "DATE";
    case pq::ColumnType::kTimestamp:
      return "TIMESTAMP";
  }
  return "VARCHAR";
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "parquet_bench: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string archive, out;
  int zstd_level = 3;
  uint64_t row_group_rows = 0;
  int threads = 1;
  size_t page_bytes = 0;
  bool ndjson = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--archive" && i + 1 < argc) {
      archive = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--zstd-level" && i + 1 < argc) {
      zstd_level = std::atoi(argv[++i]);
    } else if (arg == "--row-group-rows" && i + 1 < argc) {
      row_group_rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--page-bytes" && i + 1 < argc) {
      page_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--no-ndjson") {
      ndjson = false;
    } else {
      std::fprintf(stderr,
                   "usage: parquet_bench --archive FILE --out DIR [--zstd-level N] [--row-group-rows N] "
                   "[--page-bytes N] [--threads N] [--no-ndjson]\n");
      return 2;
    }
  }
  if (archive.empty() || out.empty()) return Fail("--archive and --out are required");
  const uint64_t bytes_in = fs::file_size(archive);

  // Parse everything first (not timed).
  auto reader = civicflow::ingest::ArchiveReader::Open(archive);
  if (!reader.ok()) return Fail(reader.status().message());
  std::vector<std::unique_ptr<RecordChunk>> chunks;
  civicflow::ingest::ArchiveParser parser;
  uint64_t parsed = 0;
  const auto parse_start = Clock::now();
  for (;;) {
    auto chunk = std::make_unique<RecordChunk>();
    size_t length = 0;
    if (!reader->Next(chunk->input, length)) break;
    civicflow::ingest::IngestCounts counts;
    parser.ParseBlock(chunk->input.data(), length, chunk->input.size(), *chunk, counts);
    parsed += chunk->records.size();
    chunks.push_back(std::move(chunk));
  }
  // Fates (duplicate, correction) as a shard would set them.
  ops::Deduplicator dedup(ops::DedupOptions{}, {});
  std::vector<const civicflow::ingest::Record*> batch;
  for (const auto& chunk : chunks) {
    batch.clear();
    for (const auto& r : chunk->records) batch.push_back(&r);
    dedup.OnBatch(batch);
  }
  const double parse_seconds = std::chrono::duration<double>(Clock::now() - parse_start).count();

  const fs::path ours_dir = fs::path(out) / "ours";
  fs::remove_all(ours_dir);
  fs::create_directories(ours_dir);
  pq::ParquetWriterOptions options = ops::RawTableWriterOptions();
  options.zstd_level = zstd_level;
  if (row_group_rows) options.row_group_rows = row_group_rows;
  if (page_bytes) options.page_bytes = page_bytes;
  const size_t tables = civicflow::ingest::Registry::Get().All().size();
  // Tables go to threads by their row counts (counted first, not timed), largest first to the least loaded.
  std::vector<uint64_t> rows(tables), file_bytes(tables);
  uint64_t kept = 0, duplicates = 0, corrections = 0;
  for (const auto& chunk : chunks)
    for (const auto& record : chunk->records) {
      if (record.fate == civicflow::ingest::Fate::kDuplicate) {
        ++duplicates;
        continue;
      }
      corrections += record.fate == civicflow::ingest::Fate::kCorrection;
      ++rows[record.interface];
      ++kept;
    }
  std::vector<size_t> order(tables), owner(tables);
  for (size_t t = 0; t < tables; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] > rows[b]; });
  std::vector<uint64_t> load(static_cast<size_t>(threads));
  for (size_t t : order) {
    const size_t least = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[t] = least;
    load[least] += rows[t];
  }

  struct Part {
    std::string error;
    double cpu_seconds = 0;
  };
  std::vector<Part> parts(static_cast<size_t>(threads));
  auto write = [&](size_t thread) {
    Part& part = parts[thread];
    const double cpu_start = ThreadCpuSeconds();
    std::vector<std::unique_ptr<pq::ParquetWriter>> writers(tables);
    for (const auto& chunk : chunks) {
      for (const auto& record : chunk->records) {
        if (record.fate == civicflow::ingest::Fate::kDuplicate || owner[record.interface] != thread) continue;
        auto& writer = writers[record.interface];
        if (!writer) {
          const ops::RawTable& table = ops::RawTableOf(record.interface);
          auto created =
              pq::ParquetWriter::Create(ours_dir / (table.name + ".parquet"), table.columns, options);
          if (!created.ok()) {
            part.error = created.status().message();
            return;
          }
          writer = std::move(*created);
        }
        if (auto s = ops::AppendRawRow(*writer, record); !s.ok()) {
          part.error = s.message();
          return;
        }
      }
    }
    for (size_t t = 0; t < tables; ++t) {
      if (!writers[t]) continue;
      auto stats = writers[t]->Close();
      if (!stats.ok()) {
        part.error = stats.status().message();
        return;
      }
      file_bytes[t] = stats->bytes;
    }
    writers.clear();
    part.cpu_seconds = ThreadCpuSeconds() - cpu_start;
  };
  // Timed: every kept record into its table's file, from creating the writers to closing them.
  const auto start = Clock::now();
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < static_cast<size_t>(threads); ++t) helpers.emplace_back(write, t);
  write(0);
  for (auto& helper : helpers) helper.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu_seconds = 0;
  for (const Part& part : parts) {
    if (!part.error.empty()) return Fail(part.error);
    cpu_seconds += part.cpu_seconds;
  }

  uint64_t bytes_out = 0;
  for (uint64_t b : file_bytes) bytes_out += b;
  const double mb_s = static_cast<double>(bytes_in) / 1e6 / seconds;
  std::printf(
      "archive %s: %llu bytes, %llu records parsed, %llu kept (%llu duplicates dropped, %llu "
      "corrections), parse + dedup %.2f s (not timed)\n",
      archive.c_str(), static_cast<unsigned long long>(bytes_in), static_cast<unsigned long long>(parsed),
      static_cast<unsigned long long>(kept), static_cast<unsigned long long>(duplicates),
      static_cast<unsigned long long>(corrections), parse_seconds);
  std::printf(
      "ours: %llu rows into %zu tables, %.3f s (CPU %.3f s, %d thread%s), %llu bytes out (%.2f%% of the "
      "archive), "
      "%.1f MB/s of archive NDJSON, %.2f M rows/s, zstd level %d, row groups of %llu rows, pages of %zu "
      "bytes\n",
      static_cast<unsigned long long>(kept),
      static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [](uint64_t r) { return r > 0; })), seconds,
      cpu_seconds, threads, threads > 1 ? "s" : "", static_cast<unsigned long long>(bytes_out),
      100.0 * static_cast<double>(bytes_out) / static_cast<double>(bytes_in), mb_s,
      static_cast<double>(kept) / seconds / 1e6, zstd_level,
      static_cast<unsigned long long>(options.row_group_rows), options.page_bytes);
  std::printf("%-58s %10s %12s %8s\n", "table", "rows", "bytes", "B/row");
  for (size_t t = 0; t < tables; ++t) {
    if (!rows[t]) continue;
    std::printf("%-58s %10llu %12llu %8.1f\n",
                ops::RawTableOf(static_cast<civicflow::ingest::InterfaceId>(t)).name.c_str(),
                static_cast<unsigned long long>(rows[t]), static_cast<unsigned long long>(file_bytes[t]),
                static_cast<double>(file_bytes[t]) / static_cast<double>(rows[t]));
  }

  // The figures for parquet_bench.sh.
  {
    std::ofstream json(fs::path(out) / "ours.json");
    json << "{\"threads\":" << threads << ",\"seconds\":" << seconds << ",\"cpu_seconds\":" << cpu_seconds
         << ",\"bytes_in\":" << bytes_in << ",\"bytes_out\":" << bytes_out << ",\"rows\":" << kept
         << ",\"tables\":{";
    bool first = true;
    for (size_t t = 0; t < tables; ++t) {
      if (!rows[t]) continue;
      json << (first ? "" : ",") << "\""
           << ops::RawTableOf(static_cast<civicflow::ingest::InterfaceId>(t)).name
           << "\":{\"rows\":" << rows[t] << ",\"bytes\":" << file_bytes[t] << "}";
      first = false;
    }
    json << "}}\n";
  }

  // The same rows for DuckDB (not timed).
  if (ndjson) {
    const fs::path dir = fs::path(out) / "ndjson";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::vector<std::unique_ptr<std::ofstream>> files(tables);
    std::string line;
    uint64_t ndjson_bytes = 0;
    for (const auto& chunk : chunks) {
      for (const auto& record : chunk->records) {
        if (record.fate == civicflow::ingest::Fate::kDuplicate) continue;
        auto& file = files[record.interface];
        if (!file) {
          const ops::RawTable& table = ops::RawTableOf(record.interface);
          file = std::make_unique<std::ofstream>(dir / (table.name + ".ndjson"), std::ios::binary);
          std::ofstream columns(dir / (table.name + ".columns.json"));
          columns << "{";
          for (size_t c = 0; c < table.columns.size(); ++c)
            columns << (c ? "," : "") << "\"" << table.columns[c].name << "\":\""
                    << DuckDbType(table.columns[c].type) << "\"";
          columns << "}\n";
        }
        line.clear();
        ops::AppendRawJsonRow(line, record);
        ndjson_bytes += line.size();
        file->write(line.data(), static_cast<std::streamsize>(line.size()));
      }
    }
    for (auto& file : files)
      if (file && !file->flush()) return Fail("cannot write " + dir.string());
    std::printf("flat NDJSON for DuckDB: %llu bytes in %s\n", static_cast<unsigned long long>(ndjson_bytes),
                dir.c_str());
  }
  return 0;
}
