// Operator state across a checkpoint cut (Operator::SaveState / LoadState) for
// TicketSessions, CommunityPassages, DeviceStatus and ParkingReconciler.
//
// Each operator runs over a generated archive of all five platforms (with
// duplicates, corrections, late records and missing parking records) twice:
// once uninterrupted, once cut at several points — the state saved into a
// string, a FRESH operator built with the same sinks and options loads it and
// takes the rest. Every row written (a sorted multiset per sink) and every
// counter must come out the same. The cuts are chosen where the state matters
// (open windows, pending events, an offline transition or a late row still to
// come), and resuming without the state must give other output, so the
// comparison cannot pass by itself. Truncated states must fail to load,
// without crashing (run under ASan+UBSan by scripts/test-sanitizers.sh).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/record_chunk.h"
#include "ingest/archive/archive_parser.h"
#include "operators/community_passages.h"
#include "operators/device_status.h"
#include "operators/parking_reconciler.h"
#include "operators/ticket_sessions.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"
#include "tools/datagen/generator.h"

namespace civicflow::operators {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

// What a shard hands its operator: an upload's new records, one correction,
// or a watermark.
struct Step {
  enum class Kind { kBatch, kCorrection, kWatermark } kind;
  std::vector<const ingest::Record*> records;  // kBatch: ≥ 1; kCorrection: exactly 1
  LocalTime watermark = LocalTime::Min();
};

constexpr int64_t kAllowedLatenessS = 3600;  // the engine's default
constexpr size_t kUploadsPerWatermark = 40;

// The input every case shares: a generated archive, parsed with the real
// validator and turned into steps the way the engine and the Deduplicator
// would (first sight of a dedup key passes, the same content again is dropped,
// other content is a correction in arrival order; a watermark of the latest
// event time − the allowed lateness every few uploads).
class Input {
 public:
  static const Input& Get() {
    static const Input* input = new Input();
    return *input;
  }
  const std::vector<Step>& steps() const { return steps_; }
  std::string error;

 private:
  Input() {
    const fs::path dir =
        fs::temp_directory_path() / ("civicflow-operator-state-b-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    datagen::GeneratorOptions options;
    options.out_path = (dir / "archive.ndjson").string();
    options.records = 60000;
    options.seed = 20261122;
    options.days = 2;
    options.lots = 12;
    options.communities = 8;
    options.sessions = 6;
    options.duplicate_rate = 0.02;
    options.correction_rate = 0.03;
    options.late_rate = 0.03;
    options.invalid_rate = 0;
    options.missing_record_rate = 0.05;
    if (auto summary = datagen::Generate(options); !summary.ok()) {
      error = "generate: " + summary.status().message();
      return;
    }
    std::ifstream file(options.out_path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    const std::string archive = text.str();
    fs::remove_all(dir);
    chunk_.input.assign(archive.begin(), archive.end());
    chunk_.input.resize(archive.size() + simdjson::SIMDJSON_PADDING);
    ingest::IngestCounts counts;
    ingest::ArchiveParser().ParseBlock(chunk_.input.data(), archive.size(), chunk_.input.size(), chunk_,
                                       counts);
    if (chunk_.records.empty()) error = "the archive yielded no records";
    BuildSteps();
  }

  void BuildSteps() {
    std::unordered_map<uint64_t, uint64_t> seen;  // dedup key → content hash
    int64_t latest = LocalTime::Min().seconds, watermark = LocalTime::Min().seconds;
    size_t uploads = 0;
    Step batch{Step::Kind::kBatch, {}};
    const auto end_batch = [&] {
      if (!batch.records.empty()) steps_.push_back(std::move(batch));
      batch = Step{Step::Kind::kBatch, {}};
    };
    for (const ingest::Record& r : chunk_.records) {
      if (r.index == 0) {  // a new upload
        end_batch();
        if (++uploads % kUploadsPerWatermark == 0 && latest - kAllowedLatenessS > watermark) {
          watermark = latest - kAllowedLatenessS;
          steps_.push_back({Step::Kind::kWatermark, {}, LocalTime{watermark}});
        }
      }
      if (r.event_time != LocalTime::Min()) latest = std::max(latest, r.event_time.seconds);
      if (r.dedup_key == 0) {
        batch.records.push_back(&r);
        continue;
      }
      const auto [content, inserted] = seen.try_emplace(r.dedup_key, r.content_hash);
      if (inserted) {
        batch.records.push_back(&r);
      } else if (content->second != r.content_hash) {
        content->second = r.content_hash;
        end_batch();
        steps_.push_back({Step::Kind::kCorrection, {&r}});
      }
    }
    end_batch();
  }

  RecordChunk chunk_;
  std::vector<Step> steps_;
};

// Up to three sinks: one table per sink an operator writes.
struct Sinks {
  testing::TableCapture sink[3];
  std::vector<Rows> Sorted() const {
    std::vector<Rows> out;
    for (const auto& s : sink) {
      out.push_back(s.rows);
      std::sort(out.back().begin(), out.back().end());
    }
    return out;
  }
  std::vector<size_t> Sizes() const {
    return {sink[0].rows.size(), sink[1].rows.size(), sink[2].rows.size()};
  }
};

// How to build one kind of operator and read its counters.
template <typename Op>
struct Subject {
  std::function<std::unique_ptr<Op>(Sinks&)> make;
  std::function<std::vector<uint64_t>(const Op&)> counters;
};

void Apply(Operator& op, const Step& step) {
  switch (step.kind) {
    case Step::Kind::kBatch:
      op.OnBatch(step.records);
      break;
    case Step::Kind::kCorrection:
      op.OnCorrection(*step.records.front());
      break;
    case Step::Kind::kWatermark:
      op.OnWatermark(step.watermark);
      break;
  }
}

std::string Save(const Operator& op) {
  std::string state;
  StateWriter out(state);
  op.SaveState(out);
  return state;
}

struct Outcome {
  std::vector<Rows> rows;  // per sink, sorted
  std::vector<uint64_t> counters;
  std::vector<std::vector<size_t>> sizes;  // rows per sink after each step (uninterrupted runs)
  std::vector<std::string> states;         // saved at each cut
};

// Runs every step, cutting before the steps in `cuts`: the state is saved, a
// fresh operator loads it (or, with `drop_state`, starts empty) and goes on.
template <typename Op>
Outcome RunWithCuts(const Subject<Op>& subject, const std::vector<Step>& steps,
                    const std::vector<size_t>& cuts, bool drop_state = false) {
  Sinks sinks;
  std::unique_ptr<Op> op = subject.make(sinks);
  Outcome outcome;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (std::find(cuts.begin(), cuts.end(), i) != cuts.end()) {
      outcome.states.push_back(Save(*op));
      std::unique_ptr<Op> fresh = subject.make(sinks);
      if (!drop_state) {
        StateReader in(outcome.states.back());
        fresh->LoadState(in);
        EXPECT_FALSE(in.failed()) << "cut before step " << i << ": " << in.error();
        EXPECT_TRUE(in.at_end()) << "cut before step " << i << ": the state has bytes left";
        EXPECT_EQ(subject.counters(*fresh), subject.counters(*op)) << "counters right after the cut " << i;
      }
      op = std::move(fresh);
    }
    Apply(*op, steps[i]);
    if (cuts.empty()) outcome.sizes.push_back(sinks.Sizes());
  }
  op->Flush();
  outcome.rows = sinks.Sorted();
  outcome.counters = subject.counters(*op);
  return outcome;
}

// The uninterrupted run and the run cut at `cuts` agree; resuming without the
// state does not (so the cuts are where the state matters).
template <typename Op>
void ExpectCutsChangeNothing(const Subject<Op>& subject, const std::vector<Step>& steps, const Outcome& whole,
                             const std::vector<size_t>& cuts) {
  const Outcome cut = RunWithCuts(subject, steps, cuts);
  ASSERT_EQ(cut.rows.size(), whole.rows.size());
  for (size_t s = 0; s < whole.rows.size(); ++s) {
    EXPECT_EQ(cut.rows[s].size(), whole.rows[s].size()) << "sink " << s;
    EXPECT_TRUE(cut.rows[s] == whole.rows[s]) << "sink " << s << ": the rows differ";
  }
  EXPECT_EQ(cut.counters, whole.counters);
  const Outcome forgetful = RunWithCuts(subject, steps, cuts, /*drop_state=*/true);
  EXPECT_TRUE(forgetful.rows != whole.rows || forgetful.counters != whole.counters)
      << "resuming without the state gave the same output: the cuts exercise nothing";
}

// A truncated state never loads: every prefix of a small state, a spread of
// prefixes of a large one, each on a fresh operator.
template <typename Op>
void ExpectTruncatedStatesFail(const Subject<Op>& subject, const std::string& state) {
  ASSERT_FALSE(state.empty());
  std::vector<size_t> lengths;
  constexpr size_t kEvery = 2048, kSpread = 300;
  if (state.size() <= kEvery) {
    for (size_t n = 0; n < state.size(); ++n) lengths.push_back(n);
  } else {
    for (size_t n = 0; n < 256; ++n) lengths.push_back(n);  // the section and interners at the start
    for (size_t k = 0; k < kSpread; ++k) lengths.push_back(256 + (state.size() - 256) * k / kSpread);
    for (size_t n = state.size() - 64; n < state.size(); ++n)
      lengths.push_back(n);  // the counters at the end
  }
  size_t loaded = 0;
  for (size_t n : lengths) {
    Sinks sinks;
    std::unique_ptr<Op> op = subject.make(sinks);
    StateReader in(std::string_view(state).substr(0, n));
    op->LoadState(in);
    EXPECT_TRUE(in.failed()) << "a prefix of " << n << " of " << state.size() << " bytes loaded";
    loaded += !in.failed();
  }
  EXPECT_EQ(loaded, 0u);
  Sinks sinks;
  std::unique_ptr<Op> whole = subject.make(sinks);
  StateReader in(state);
  whole->LoadState(in);
  EXPECT_FALSE(in.failed()) << in.error();
}

LocalTime LastWatermark() {
  const auto& steps = Input::Get().steps();
  for (auto step = steps.rbegin(); step != steps.rend(); ++step)
    if (step->kind == Step::Kind::kWatermark) return step->watermark;
  return LocalTime::Min();
}

// A damaged state (one byte inverted, at a spread of positions) either fails
// to load or loads into an operator that can go on: indexes into interners
// are checked on load, so nothing reads out of bounds later.
template <typename Op>
void ExpectDamagedStatesAreSafe(const Subject<Op>& subject, const std::string& state) {
  constexpr size_t kPositions = 200;
  const size_t step = std::max<size_t>(1, state.size() / kPositions);
  size_t failed = 0, tried = 0;
  for (size_t at = 0; at < state.size(); at += step) {
    std::string damaged = state;
    damaged[at] = static_cast<char>(~damaged[at]);
    Sinks sinks;
    std::unique_ptr<Op> op = subject.make(sinks);
    StateReader in(damaged);
    op->LoadState(in);
    ++tried;
    if (in.failed()) {
      ++failed;
      continue;
    }
    op->OnWatermark(LastWatermark());
    op->Flush();
  }
  EXPECT_GT(failed, 0u) << "of " << tried << " damaged states, none was refused";
}

// The first step at or after `from` for which `pick` holds, or steps.size().
size_t FirstStep(size_t from, const std::function<bool(size_t)>& pick) {
  const size_t n = Input::Get().steps().size();
  while (from < n && !pick(from)) ++from;
  return from;
}

bool IsWatermark(size_t step) { return Input::Get().steps()[step].kind == Step::Kind::kWatermark; }
bool IsCorrection(size_t step) { return Input::Get().steps()[step].kind == Step::Kind::kCorrection; }

// Steps spread over the input: the sixths, each moved to the next correction
// (so a key accepted before the cut is corrected right after it).
std::vector<size_t> SpreadCuts() {
  const size_t n = Input::Get().steps().size();
  std::vector<size_t> cuts;
  for (size_t k = 1; k < 6; ++k) cuts.push_back(FirstStep(n * k / 6, IsCorrection));
  return cuts;
}

class OperatorStateB : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Input::Get().error, "");
    ASSERT_GT(Input::Get().steps().size(), 1000u);
  }
  // The state an operator holds just before `step` of an uninterrupted run.
  template <typename Op>
  static std::unique_ptr<Op> Before(const Subject<Op>& subject, Sinks& sinks, size_t step,
                                    const std::vector<Step>& steps = Input::Get().steps()) {
    std::unique_ptr<Op> op = subject.make(sinks);
    for (size_t i = 0; i < step; ++i) Apply(*op, steps[i]);
    return op;
  }
  static const std::vector<Step>& Steps() { return Input::Get().steps(); }
};

// ------------------------------------------------------------------ TicketSessions

Subject<TicketSessions> Tickets() {
  return {[](Sinks& s) { return std::make_unique<TicketSessions>(s.sink[0], /*horizon_s=*/12 * 3600); },
          [](const TicketSessions& op) {
            return std::vector<uint64_t>{op.open_windows(), op.late_rows(), op.checked_tickets(),
                                         op.stale_inventory()};
          }};
}

TEST_F(OperatorStateB, TicketSessionsContinueExactlyAfterACut) {
  const auto subject = Tickets();
  const Outcome whole = RunWithCuts(subject, Steps(), {});
  ASSERT_GT(whole.rows[0].size(), 100u);
  ASSERT_GT(whole.counters[1], 0u) << "no late rows: the input exercises no emitted hour";
  std::vector<size_t> cuts = SpreadCuts();
  // And right before a watermark that emits a late row: the late cell was opened before the cut.
  for (size_t i = 1; i < whole.sizes.size(); ++i)
    if (IsWatermark(i) && i > cuts.back()) {
      cuts.push_back(i);
      break;
    }
  size_t with_checks = 0;
  for (size_t cut : cuts) {
    Sinks sinks;
    const auto op = Before(subject, sinks, cut);
    EXPECT_GT(op->open_windows(), 0u) << "cut " << cut;
    with_checks += op->checked_tickets() > 0;
  }
  EXPECT_GT(with_checks, 0u) << "no cut holds checked tickets";
  ExpectCutsChangeNothing(subject, Steps(), whole, cuts);
}

TEST_F(OperatorStateB, TicketSessionsRejectATruncatedState) {
  const auto subject = Tickets();
  Sinks sinks;
  const auto op = Before(subject, sinks, Steps().size() / 8);
  ASSERT_GT(op->open_windows(), 0u);
  ExpectTruncatedStatesFail(subject, Save(*op));
  ExpectDamagedStatesAreSafe(subject, Save(*op));
}

// ------------------------------------------------------------------ CommunityPassages

Subject<CommunityPassages> Passages() {
  return {[](Sinks& s) { return std::make_unique<CommunityPassages>(s.sink[0], /*horizon_s=*/12 * 3600); },
          [](const CommunityPassages& op) {
            return std::vector<uint64_t>{op.open_windows(), op.late_rows(), op.registrations()};
          }};
}

TEST_F(OperatorStateB, CommunityPassagesContinueExactlyAfterACut) {
  const auto subject = Passages();
  const Outcome whole = RunWithCuts(subject, Steps(), {});
  ASSERT_GT(whole.rows[0].size(), 100u);
  ASSERT_GT(whole.counters[1], 0u) << "no late rows";
  // Some passages were of unregistered plates: the registrations matter.
  ASSERT_TRUE(std::any_of(whole.rows[0].begin(), whole.rows[0].end(),
                          [](const std::vector<std::string>& r) { return r.back() != "0"; }));
  const std::vector<size_t> cuts = SpreadCuts();
  for (size_t cut : cuts) {
    Sinks sinks;
    const auto op = Before(subject, sinks, cut);
    EXPECT_GT(op->open_windows(), 0u) << "cut " << cut;
    EXPECT_GT(op->registrations(), 0u) << "cut " << cut;
  }
  ExpectCutsChangeNothing(subject, Steps(), whole, cuts);
}

TEST_F(OperatorStateB, CommunityPassagesRejectATruncatedState) {
  const auto subject = Passages();
  Sinks sinks;
  const auto op = Before(subject, sinks, Steps().size() / 8);
  ASSERT_GT(op->open_windows(), 0u);
  ExpectTruncatedStatesFail(subject, Save(*op));
  ExpectDamagedStatesAreSafe(subject, Save(*op));
}

// ------------------------------------------------------------------ DeviceStatus

Subject<DeviceStatus> Devices() {
  return {[](Sinks& s) { return std::make_unique<DeviceStatus>(s.sink[0]); },
          [](const DeviceStatus& op) {
            return std::vector<uint64_t>{op.devices(), op.stale_reports()};
          }};
}

TEST_F(OperatorStateB, DeviceStatusContinuesExactlyAfterACut) {
  const auto subject = Devices();
  const Outcome whole = RunWithCuts(subject, Steps(), {});
  ASSERT_GT(whole.rows[0].size(), 10u);
  // Cut right before steps that write a status change: the previous status comes from the state.
  std::vector<size_t> cuts;
  for (size_t i = 1; i < whole.sizes.size() && cuts.size() < 5; ++i)
    if (whole.sizes[i][0] > whole.sizes[i - 1][0] && i > whole.sizes.size() * (cuts.size() + 1) / 7)
      cuts.push_back(i);
  ASSERT_EQ(cuts.size(), 5u);
  for (size_t cut : cuts) {
    Sinks sinks;
    EXPECT_GT(Before(subject, sinks, cut)->devices(), 0u) << "cut " << cut;
  }
  ExpectCutsChangeNothing(subject, Steps(), whole, cuts);
}

TEST_F(OperatorStateB, DeviceStatusRejectsATruncatedState) {
  const auto subject = Devices();
  Sinks sinks;
  const auto op = Before(subject, sinks, Steps().size() / 8);
  ASSERT_GT(op->devices(), 0u);
  ExpectTruncatedStatesFail(subject, Save(*op));
  ExpectDamagedStatesAreSafe(subject, Save(*op));
}

// ------------------------------------------------------------------ ParkingReconciler

Subject<ParkingReconciler> Parking() {
  return {[](Sinks& s) {
            return std::make_unique<ParkingReconciler>(s.sink[0], s.sink[1], s.sink[2], /*grace_s=*/600,
                                                       /*horizon_s=*/12 * 3600);
          },
          [](const ParkingReconciler& op) {
            return std::vector<uint64_t>{
                op.late_events(),         op.late_lists(),     op.late_heartbeats(),
                op.ignored_corrections(), op.expired_events(), op.heartbeats_without_lot(),
                op.pending_lists(),       op.pending_events(), op.interned_plates()};
          }};
}

TEST_F(OperatorStateB, ParkingReconcilerContinuesExactlyAfterACut) {
  const auto subject = Parking();
  const Outcome whole = RunWithCuts(subject, Steps(), {});
  const auto& status_rows = whole.rows[2];
  ASSERT_GT(whole.rows[0].size(), 100u) << "reconciliations";
  ASSERT_GT(whole.rows[1].size(), 10u) << "problem plates";
  ASSERT_TRUE(std::any_of(status_rows.begin(), status_rows.end(),
                          [](const std::vector<std::string>& r) { return r[3] == "offline"; }));
  const size_t n = whole.sizes.size();
  std::vector<size_t> cuts;
  // Between entries/exits and the list that reconciles them: before a batch that writes problem
  // plates (a reconciliation against a baseline, whose events arrived before the cut).
  for (size_t i = n / 5; i < n && cuts.size() < 2; ++i)
    if (!IsWatermark(i) && whole.sizes[i][1] > whole.sizes[i - 1][1] && (cuts.empty() || i > cuts[0] + n / 5))
      cuts.push_back(i);
  // Across a lot going offline: before a heartbeat that writes an offline spell (offline, then
  // online again) after the lot's previous heartbeat, which came before the cut. (Offline rows
  // written by the watermark are cut across in ParkingLotGoesOfflineAcrossACut.)
  for (size_t i = n / 2; i < n; ++i)
    if (!IsWatermark(i) && whole.sizes[i][2] == whole.sizes[i - 1][2] + 2) {
      cuts.push_back(i);
      break;
    }
  ASSERT_EQ(cuts.size(), 3u);
  for (size_t cut : cuts) {
    Sinks sinks;
    const auto op = Before(subject, sinks, cut);
    EXPECT_GT(op->pending_events(), 0u) << "cut " << cut;
    EXPECT_GT(op->interned_plates(), 0u) << "cut " << cut;
  }
  for (size_t cut : SpreadCuts()) cuts.push_back(cut);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  ExpectCutsChangeNothing(subject, Steps(), whole, cuts);
}

// A small lot, step by step: entries and exits before the cut, the list that
// reconciles them after it; the lot's last heartbeat before the cut, the
// watermark that takes it offline after it. Cut before every step.
class ParkingScenario {
 public:
  ParkingScenario() {
    using ingest::Platform;
    Batch().Add(Platform::kParking, "parkCarInfo", PlateList("粤B10001,粤B10002,粤B10003"), Ms("10:00:00"));
    Heartbeat("10:00:00");
    Heartbeat("10:10:00");  // the lot reaches 10:00 + grace: the baseline is reconciled
    Batch()
        .Add(Platform::kParking, "enterRecord",
             testing::EnterRecord(1, "粤B10004", "2026-11-20 10:05:00", kLot))
        .Add(Platform::kParking, "exitRecord", ExitBody(2, "粤B10001", "10:06:00"));
    Heartbeat("10:11:00");
    steps_.push_back({Step::Kind::kWatermark, {}, At("10:13:00")});  // 10:11 + 90 s passed: offline
    Batch().Add(Platform::kParking, "parkCarInfo", PlateList("粤B10002,粤B10003,粤B10004,粤B10005"),
                Ms("10:15:00"));
    Heartbeat("10:26:00");  // online again, and the 10:15 list is due
    steps_.push_back({Step::Kind::kWatermark, {}, At("10:30:00")});
  }
  // Step indexes into steps().
  static constexpr size_t kAfterEvents = 4, kWatermarkOffline = 5, kSecondList = 6;
  const std::vector<Step>& steps() const { return steps_; }

 private:
  static constexpr std::string_view kLot = "c492c59ab3b6eec618f2ba80974110e0";
  static LocalTime At(std::string_view time) { return *ParseDateTime("2026-11-20 " + std::string(time)); }
  static int64_t Ms(std::string_view time) { return At(time).ToEpochMillis(); }
  static std::string PlateList(std::string_view plates) {
    return std::string(R"({"parkCode":")") + std::string(kLot) + R"(","plateNoList":")" +
           std::string(plates) + R"("})";
  }
  static std::string ExitBody(uint64_t id, std::string_view plate, std::string_view time) {
    char hex[33];
    std::snprintf(hex, sizeof hex, "%032llx", static_cast<unsigned long long>(id));
    return std::string(R"({"parkCode":")") + std::string(kLot) + R"(","id":")" + hex + R"(","plateNo":")" +
           std::string(plate) + R"(","leaveTime":"2026-11-20 )" + std::string(time) +
           R"(","exitCarPhotoId":"P2","exitCode":"NQD001"})";
  }
  // A new batch step; its records are added through the returned set.
  testing::RecordSet& Batch() {
    Seal();
    sets_.push_back(std::make_unique<testing::RecordSet>());
    return *sets_.back();
  }
  void Heartbeat(std::string_view time) {
    Batch().Add(ingest::Platform::kParking, "heartBeats",
                R"({"requestTime":"2026-11-20 )" + std::string(time) + R"(","parkCode":")" +
                    std::string(kLot) + R"("})",
                Ms(time));
    Seal();
  }
  // Turns the open set into a batch step once its records are all added.
  void Seal() {
    if (sets_.size() > sealed_) steps_.push_back({Step::Kind::kBatch, sets_.back()->Pointers()});
    sealed_ = sets_.size();
  }

  std::vector<std::unique_ptr<testing::RecordSet>> sets_;
  size_t sealed_ = 0;
  std::vector<Step> steps_;
};

TEST_F(OperatorStateB, ParkingLotGoesOfflineAndReconcilesAcrossACut) {
  const ParkingScenario scenario;
  const auto subject = Parking();
  const auto& steps = scenario.steps();
  ASSERT_EQ(steps.size(), 9u);
  const Outcome whole = RunWithCuts(subject, steps, {});
  // What happens after the cuts: the offline row at the watermark, the list reconciled later.
  ASSERT_EQ(whole.sizes[ParkingScenario::kWatermarkOffline][2],
            whole.sizes[ParkingScenario::kAfterEvents][2] + 1);
  ASSERT_GT(whole.sizes[ParkingScenario::kSecondList + 1][1], whole.sizes[ParkingScenario::kSecondList][1]);
  EXPECT_EQ(whole.rows[1], (Rows{{"c492c59ab3b6eec618f2ba80974110e0", "2026-11-20", "粤B10005",
                                  "missing_enter", "2026-11-20 10:15:00"}}));
  {
    Sinks sinks;
    const auto op = Before(subject, sinks, ParkingScenario::kAfterEvents + 1, steps);
    EXPECT_EQ(op->pending_events(), 2u) << "the entry and exit wait for the next list";
  }
  std::vector<size_t> every_step;
  for (size_t i = 1; i < steps.size(); ++i) every_step.push_back(i);
  ExpectCutsChangeNothing(subject, steps, whole, every_step);
  for (size_t cut : every_step) ExpectCutsChangeNothing(subject, steps, whole, {cut});
  Sinks sinks;
  ExpectTruncatedStatesFail(subject,
                            Save(*Before(subject, sinks, ParkingScenario::kWatermarkOffline, steps)));
}

TEST_F(OperatorStateB, ParkingReconcilerRejectsATruncatedState) {
  const auto subject = Parking();
  Sinks sinks;
  const auto op = Before(subject, sinks, Steps().size() / 8);
  ASSERT_GT(op->pending_events(), 0u);
  ExpectTruncatedStatesFail(subject, Save(*op));
  ExpectDamagedStatesAreSafe(subject, Save(*op));
}

// A fresh operator's empty state loads into another fresh one (no lots, no windows).
TEST_F(OperatorStateB, EmptyStatesRoundTrip) {
  Sinks sinks;
  const auto check = [](const Operator& saved, Operator& fresh) {
    const std::string state = Save(saved);
    StateReader in(state);
    fresh.LoadState(in);
    EXPECT_FALSE(in.failed()) << in.error();
    EXPECT_TRUE(in.at_end());
  };
  check(*Tickets().make(sinks), *Tickets().make(sinks));
  check(*Passages().make(sinks), *Passages().make(sinks));
  check(*Devices().make(sinks), *Devices().make(sinks));
  check(*Parking().make(sinks), *Parking().make(sinks));
}

}  // namespace
}  // namespace civicflow::operators
