#include "tools/datagen/generator.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "engine/base/local_time.h"
#include "tools/datagen/community.h"
#include "tools/datagen/emitter.h"
#include "tools/datagen/fitness.h"
#include "tools/datagen/orienteering.h"
#include "tools/datagen/parking.h"
#include "tools/datagen/ticketing.h"

namespace civicflow::datagen {
namespace {

// How the records left after the fixed ones (master data, hourly statistics,
// lists) are shared among the flows; parking ends up near half the archive.
constexpr double kFlowShare[] = {0.55, 0.15, 0.20, 0.07,
                                 0.03};  // parking, fitness, community, ticketing, orienteering

Status Check(const GeneratorOptions& o) {
  auto rate = [](double r) { return r >= 0 && r <= 1; };
  if (o.out_path.empty()) return Status::Error("--out is required");
  if (o.days < 1 || o.days > 366) return Status::Error("--days must be 1..366");
  if (o.lots < 0 || o.venues < 0 || o.communities < 0 || o.sessions < 0)
    return Status::Error("entity counts must be >= 0");
  if (!rate(o.duplicate_rate) || !rate(o.correction_rate) || !rate(o.late_rate) || !rate(o.invalid_rate) ||
      !rate(o.missing_record_rate))
    return Status::Error("rates must be within 0..1");
  if (o.disorder_seconds < 0 || o.disorder_seconds > 3000)
    return Status::Error("--disorder-seconds must be 0..3000 (below the allowed lateness)");
  if (!ParseDate(o.start_date)) return Status::Error("--start must be a date yyyy-MM-dd");
  return Status();
}

class FileCloser {
 public:
  explicit FileCloser(std::FILE* f) : f_(f) {}
  ~FileCloser() {
    if (f_) std::fclose(f_);
  }
  bool Close() {
    const bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    return ok;
  }

 private:
  std::FILE* f_;
};

}  // namespace

Result<GenerationSummary> Generate(const GeneratorOptions& options) {
  if (Status s = Check(options); !s.ok()) return s;
  const auto started = std::chrono::steady_clock::now();

  World world;
  world.start_s = ParseDate(options.start_date)->seconds;
  world.days = options.days;
  world.seed = options.seed;
  world.target_records = options.records;

  std::vector<std::unique_ptr<PlatformGenerator>> platforms;
  platforms.push_back(std::make_unique<ParkingGenerator>(world, options.lots, options.missing_record_rate));
  platforms.push_back(std::make_unique<FitnessGenerator>(world, options.venues));
  platforms.push_back(std::make_unique<CommunityGenerator>(world, options.communities));
  platforms.push_back(std::make_unique<TicketingGenerator>(world, options.sessions));
  platforms.push_back(std::make_unique<OrienteeringGenerator>(world));
  uint64_t fixed = 0;
  for (const auto& p : platforms) fixed += p->FixedRecords();
  const uint64_t flows = options.records > fixed ? options.records - fixed : options.records / 4;
  for (size_t i = 0; i < platforms.size(); ++i)
    platforms[i]->SetFlowBudget(static_cast<uint64_t>(static_cast<double>(flows) * kFlowShare[i]));

  std::FILE* file = std::fopen(options.out_path.c_str(), "wb");
  if (!file) return Status::Error("cannot create " + options.out_path);
  FileCloser closer(file);
  FaultRates rates;
  rates.duplicate = options.duplicate_rate;
  rates.correction = options.correction_rate;
  rates.late = options.late_rate;
  rates.invalid = options.invalid_rate;
  rates.disorder_s = options.disorder_seconds;
  Emitter emitter(rates, options.seed, file);
  for (int64_t hour = world.start_s; hour < world.end_s(); hour += kHourS) {
    for (auto& p : platforms) p->GenerateHour(hour, emitter);
    emitter.FlushBefore(LocalTime{hour + kHourS}.ToEpochMillis());
  }
  if (!emitter.Finish() || !closer.Close()) return Status::Error("cannot write " + options.out_path);
  if (emitter.out_of_order())
    return Status::Error("internal error: " + std::to_string(emitter.out_of_order()) +
                         " requests out of send order");

  GenerationSummary summary;
  summary.lines = emitter.lines();
  summary.bytes = emitter.bytes();
  summary.valid_records = emitter.records_sent();
  summary.manifest_json = emitter.ManifestJson();
  if (!options.manifest_path.empty()) {
    std::FILE* manifest = std::fopen(options.manifest_path.c_str(), "wb");
    if (!manifest) return Status::Error("cannot create " + options.manifest_path);
    const bool written = std::fwrite(summary.manifest_json.data(), 1, summary.manifest_json.size(),
                                     manifest) == summary.manifest_json.size();
    if (std::fclose(manifest) != 0 || !written) return Status::Error("cannot write " + options.manifest_path);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace civicflow::datagen
