// Replay throughput against its ceiling, in one run on one file:
//   ceiling  — a bare simdjson iterate_many scan: the file read in the same
//              blocks replay reads, every upload visited and its "interface"
//              read; what reading and parsing alone cost, on one thread;
//   traverse — the same scan visiting every value of every upload: the least
//              any consumer that reads all fields pays, on one thread;
//   replay/N — the full job with N parse threads and N shards: read blocks →
//              parse → validate → route → dedup → flow_hourly → CSV.
// Usage: replay_bench --archive FILE [google-benchmark flags]
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_main.h"
#include "engine/cli/replay.h"
#include "ingest/archive/archive_reader.h"

namespace {

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Scans the archive with iterate_many in the blocks replay reads, calling
// `per_upload(document)` for each upload; returns the bytes scanned. A
// malformed upload ends a document stream, so the archive must be well-formed.
template <typename PerUpload>
uint64_t ScanArchive(benchmark::State& state, simdjson::ondemand::parser& parser, std::vector<char>& block,
                     PerUpload&& per_upload) {
  auto reader = civicflow::ingest::ArchiveReader::Open(civicflow::bench::ArchivePath());
  if (!reader.ok()) {
    state.SkipWithError(reader.status().message().c_str());
    return 0;
  }
  uint64_t bytes = 0;
  size_t length = 0;
  while (reader->Next(block, length)) {
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(block.data(), length, length).get(stream)) {
      state.SkipWithError("iterate_many failed");
      return bytes;
    }
    for (auto doc : stream)
      if (!per_upload(doc)) {
        state.SkipWithError("malformed upload: generate the archive with --invalid-rate 0");
        return bytes;
      }
    bytes += length;
  }
  return bytes;
}

// The ceiling: read each upload's "interface" and nothing else.
void Ceiling(benchmark::State& state) {
  uint64_t documents = 0, bytes = 0;
  std::vector<char> block;
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    documents = 0;
    bytes = ScanArchive(state, parser, block, [&](auto doc) {
      std::string_view interface;
      if (doc["interface"].get_string().get(interface)) return false;
      ++documents;
      return true;
    });
    benchmark::DoNotOptimize(documents);
  }
  state.counters["uploads"] = static_cast<double>(documents);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}

// Visits every value of a document: what any consumer that reads all fields pays.
uint64_t VisitAll(simdjson::ondemand::value value) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return 0;
  uint64_t visited = 1;
  switch (type) {
    case simdjson::ondemand::json_type::object:
      for (auto field : value.get_object()) {
        simdjson::ondemand::value v;
        std::string_view key;
        if (field.unescaped_key().get(key) || field.value().get(v)) return visited;
        visited += VisitAll(v);
      }
      break;
    case simdjson::ondemand::json_type::array:
      for (auto element : value.get_array()) {
        simdjson::ondemand::value v;
        if (element.get(v)) return visited;
        visited += VisitAll(v);
      }
      break;
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      visited += value.get_string().get(text) ? 0 : text.size() > 0;
      break;
    }
    case simdjson::ondemand::json_type::number: {
      simdjson::ondemand::number number;
      visited += value.get_number().get(number) ? 0 : 1;
      break;
    }
    default:
      break;
  }
  return visited;
}

// The same scan, but every value of every upload is visited (one thread).
void Traverse(benchmark::State& state) {
  uint64_t values = 0, bytes = 0;
  std::vector<char> block;
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    values = 0;
    bytes = ScanArchive(state, parser, block, [&](auto doc) {
      simdjson::ondemand::value root;
      if (doc.get_value().get(root)) return false;
      values += VisitAll(root);
      return true;
    });
    benchmark::DoNotOptimize(values);
  }
  state.counters["values"] = static_cast<double>(values);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}

void Replay(benchmark::State& state) {
  civicflow::ReplayOptions options;
  options.files = {civicflow::bench::ArchivePath()};
  options.threads = options.shards = static_cast<uint32_t>(state.range(0));
  options.data_dir = (std::filesystem::temp_directory_path() / "civicflow-replay-bench").string();
  uint64_t records = 0, bytes = 0;
  for (auto _ : state) {
    auto report = civicflow::RunReplay(options);
    if (!report.ok()) {
      state.SkipWithError(report.status().message().c_str());
      return;
    }
    records = report->TotalAccepted() + report->TotalDuplicates() + report->TotalRejected();
    bytes = report->input_bytes;
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = PeakRssMb();
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  std::filesystem::remove_all(options.data_dir);
}

BENCHMARK(Ceiling)->Unit(benchmark::kMillisecond)->UseRealTime()->MinWarmUpTime(0.5);
BENCHMARK(Traverse)->Unit(benchmark::kMillisecond)->UseRealTime()->MinWarmUpTime(0.5);
BENCHMARK(Replay)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinWarmUpTime(0.5);

}  // namespace

int main(int argc, char** argv) { return civicflow::bench::RunWithArchive(argc, argv, "replay_bench"); }
