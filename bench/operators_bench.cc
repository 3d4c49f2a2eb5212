// The analytics operators on one shard, records already parsed (so parsing
// is not measured), in the same run as a reference:
//   dedup_only — the Deduplicator alone: the floor every record pays;
//   all        — the whole shard pipeline of operators/shard_pipeline.cc;
// and the memory their state takes for the shapes the platform must hold:
//   parking    — 10,000 lots × 500 cars inside (enter records, then a plate list);
//   venues     — 50,000 venues × one day of hourly flow and energy statistics.
// Usage: operators_bench --archive FILE [google-benchmark flags]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_main.h"
#include "ingest/archive/archive_parser.h"
#include "ingest/archive/archive_reader.h"
#include "operators/shard_pipeline.h"

namespace {

using civicflow::LocalTime;
using civicflow::RecordChunk;
namespace ops = civicflow::operators;

// Resident memory now, in bytes.
double ResidentBytes() {
  long pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

class CountingSink final : public civicflow::TableSink {
 public:
  void Row(std::span<const std::string_view>) override { ++rows; }
  uint64_t rows = 0;
};

struct Sinks {
  std::array<CountingSink, ops::kTableCount> tables;
  ops::ShardSinks Pointers() {
    ops::ShardSinks out;
    for (size_t t = 0; t < ops::kTableCount; ++t) out[t] = &tables[t];
    return out;
  }
};

// Parses NDJSON text (whole lines, any size) into chunks held in memory.
std::vector<std::unique_ptr<RecordChunk>> ParseAll(civicflow::ingest::ArchiveReader& reader) {
  std::vector<std::unique_ptr<RecordChunk>> chunks;
  civicflow::ingest::ArchiveParser parser;
  for (;;) {
    auto chunk = std::make_unique<RecordChunk>();
    size_t length = 0;
    if (!reader.Next(chunk->input, length)) break;
    civicflow::ingest::IngestCounts counts;
    parser.ParseBlock(chunk->input.data(), length, chunk->input.size(), *chunk, counts);
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

// Parses a synthetic archive; the text is released once written out.
std::vector<std::unique_ptr<RecordChunk>> ParseText(std::string&& ndjson) {
  const std::string path = "/tmp/civicflow-operators-bench.ndjson";
  std::ofstream(path, std::ios::binary) << ndjson;
  std::string().swap(ndjson);
  auto reader = civicflow::ingest::ArchiveReader::Open(path);
  auto chunks = ParseAll(*reader);
  std::remove(path.c_str());
  return chunks;
}

// Feeds every record, chunk by chunk, as one shard would see them; the
// watermark trails the latest event time by an hour, as the engine's does.
uint64_t Feed(civicflow::Operator& root, const std::vector<std::unique_ptr<RecordChunk>>& chunks) {
  std::vector<const civicflow::ingest::Record*> batch;
  LocalTime latest = LocalTime::Min();
  uint64_t records = 0;
  for (const auto& chunk : chunks) {
    batch.clear();
    for (const auto& r : chunk->records) {
      batch.push_back(&r);
      latest = std::max(latest, r.event_time);
    }
    records += batch.size();
    root.OnBatch(batch);
    if (latest != LocalTime::Min()) root.OnWatermark(latest - 3600);
  }
  return records;
}

const std::vector<std::unique_ptr<RecordChunk>>& ArchiveChunks() {
  static const auto chunks = [] {
    auto reader = civicflow::ingest::ArchiveReader::Open(civicflow::bench::ArchivePath());
    if (!reader.ok()) {
      std::fprintf(stderr, "%s\n", reader.status().message().c_str());
      std::exit(2);
    }
    return ParseAll(*reader);
  }();
  return chunks;
}

void Pipeline(benchmark::State& state, bool all) {
  const auto& chunks = ArchiveChunks();
  uint64_t records = 0;
  double state_bytes = 0;
  for (auto _ : state) {
    Sinks sinks;
    const double before = ResidentBytes();
    ops::ShardPipeline pipeline = ops::MakeShardPipeline({}, sinks.Pointers());
    std::unique_ptr<civicflow::Operator> root = std::move(pipeline.root);
    if (!all)
      root = std::make_unique<ops::Deduplicator>(ops::DedupOptions{},
                                                 std::vector<std::unique_ptr<civicflow::Operator>>{});
    records = Feed(*root, chunks);
    root->Flush();
    state_bytes = ResidentBytes() - before;
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["state_MB"] = state_bytes / 1e6;
}

void DedupOnly(benchmark::State& state) { Pipeline(state, false); }
void AllOperators(benchmark::State& state) { Pipeline(state, true); }

std::string Line(std::string_view platform, std::string_view interface, int64_t ts_ms,
                 const std::string& body) {
  return std::string(R"({"platform":")") + std::string(platform) + R"(","interface":")" +
         std::string(interface) + R"(","ts":)" + std::to_string(ts_ms) + R"(,"body":)" + body + "}\n";
}

// 10,000 lots each holding 500 cars: a baseline list, 500 enter records, a
// list naming the 500 plates, reconciled; the state left is what a busy city
// keeps between hourly lists.
void ParkingState(benchmark::State& state) {
  constexpr int kLots = 10'000, kCars = 500;
  constexpr int64_t kBase = 1'794'700'800'000;  // 2026-11-16 00:00 local, in epoch ms
  std::string text;
  char buf[64];
  for (int lot = 0; lot < kLots; ++lot) {
    char park[33];
    std::snprintf(park, sizeof park, "%032x", lot);
    text += Line("parking", "parkCarInfo", kBase,
                 std::string(R"([{"parkCode":")") + park + R"(","plateNoList":""}])");
    std::string plates, enters = "[";
    for (int car = 0; car < kCars; ++car) {
      std::snprintf(buf, sizeof buf, "粤B%05d", car);
      plates += (car ? "," : "") + std::string(buf);
      char id[33];
      std::snprintf(id, sizeof id, "%016x%016x", lot, car);
      enters += std::string(car ? "," : "") + R"({"parkCode":")" + park + R"(","id":")" + id +
                R"(","plateNo":")" + buf +
                R"(","enterTime":"2026-11-16 00:30:00","entryCarPhotoId":"P","entranceCode":"E1",)" +
                R"("entranceName":"东门","carModel":1,"carColor":1,"plateColor":1})";
      if (car % 100 == 99) {
        text += Line("parking", "enterRecord", kBase + 1'800'000, enters + "]");
        enters = "[";
      }
    }
    text += Line("parking", "parkCarInfo", kBase + 3'600'000,
                 std::string(R"([{"parkCode":")") + park + R"(","plateNoList":")" + plates + R"("}])");
    // A heartbeat past list time + grace makes the lot reconcile its list.
    text += Line("parking", "heartBeats", kBase + 4'400'000,
                 std::string(R"({"requestTime":"2026-11-16 01:13:20","parkCode":")") + park + R"("})");
  }
  const auto chunks = ParseText(std::move(text));
  for (auto _ : state) {
    Sinks sinks;
    const double before = ResidentBytes();
    ops::ShardPipeline pipeline = ops::MakeShardPipeline({}, sinks.Pointers());
    Feed(*pipeline.root, chunks);
    const double bytes = ResidentBytes() - before;
    state.counters["state_MB"] = bytes / 1e6;
    state.counters["bytes/car"] = bytes / (kLots * kCars);
    state.counters["lists_reconciled"] =
        static_cast<double>(sinks.tables[static_cast<size_t>(ops::Table::kParkingReconciliation)].rows);
  }
}

// 50,000 venues × 24 hours of binocular flow and the three energy kinds.
void VenueState(benchmark::State& state) {
  constexpr int kVenues = 50'000, kHours = 24;
  constexpr int64_t kBase = 1'794'700'800'000;
  std::string text;
  for (int hour = 1; hour <= kHours; ++hour) {
    char acq[32];
    std::snprintf(acq, sizeof acq, "2026-11-%02d %02d:00:00", 16 + hour / 24, hour % 24);
    for (int venue = 0; venue < kVenues; venue += 100) {
      std::string flow = "[", energy[3] = {"[", "[", "["};
      for (int v = venue; v < venue + 100; ++v) {
        const std::string common =
            R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":"V)" + std::to_string(v) +
            R"(","acqTime":")" + acq + R"(",)";
        flow += (v > venue ? "," : "") + common + R"("acqNumOfPeople":12,"deviceId":"B1"})";
        for (auto& e : energy)
          e += (v > venue ? "," : "") + common + R"("consumption":"1.5","deviceId":"M1"})";
      }
      const int64_t ts = kBase + hour * 3'600'000LL;
      text += Line("fitness", "syncBinocularFlowData", ts, flow + "]");
      text += Line("fitness", "syncEnergyConsumptionData", ts, energy[0] + "]");
      text += Line("fitness", "syncWaterConsumptionData", ts, energy[1] + "]");
      text += Line("fitness", "syncGasConsumptionData", ts, energy[2] + "]");
    }
  }
  const auto chunks = ParseText(std::move(text));
  for (auto _ : state) {
    Sinks sinks;
    const double before = ResidentBytes();
    ops::ShardPipeline pipeline = ops::MakeShardPipeline({}, sinks.Pointers());
    const uint64_t records = Feed(*pipeline.root, chunks);
    const double bytes = ResidentBytes() - before;
    state.counters["records"] = static_cast<double>(records);
    state.counters["state_MB"] = bytes / 1e6;
    state.counters["bytes/venue"] = bytes / kVenues;
  }
}

BENCHMARK(DedupOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3);
BENCHMARK(AllOperators)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3);
BENCHMARK(ParkingState)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(VenueState)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

int main(int argc, char** argv) { return civicflow::bench::RunWithArchive(argc, argv, "operators_bench"); }
