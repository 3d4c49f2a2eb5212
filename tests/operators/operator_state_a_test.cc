// Checkpointed operator state (Operator::SaveState/LoadState) of the
// deduplicator, FlowHourly and EnergyTotals: a run cut at every step — state
// saved, a fresh operator built with the same sinks and options loads it and
// goes on — writes exactly the rows and counters of an uninterrupted run,
// while windows are open, hours are emitted and reopened by late data, and
// corrections arrive for keys accepted before the cut. A truncated or damaged
// state fails the reader and never crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "operators/deduplicator.h"
#include "operators/energy_totals.h"
#include "operators/flow_hourly.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;

constexpr int64_t kHorizon = 24 * 3600;  // dedup horizon: keys expire within the stream

std::string Stamp(int64_t local_seconds) { return LocalTime{local_seconds}.ToString(); }

// One upload body for the real validator.
struct Upload {
  Platform platform;
  std::string_view interface;
  std::string body;
};

// A keyed record and its versions: 0 is what was first sent, each further
// version is a correction (same dedup key, other content).
using Versions = std::function<Upload(int version)>;

struct Region {
  int province, city, district;
};
constexpr Region kRegions[] = {{440000, 440300, 440305}, {440000, 440300, 440304}, {440000, 440100, 440106}};

Versions Binocular(std::string venue, int64_t acq, int people) {
  return [=](int version) {
    return Upload{Platform::kFitness, "syncBinocularFlowData",
                  testing::BinocularFlow(venue, Stamp(acq), people + 7 * version)};
  };
}

// A parking entry; a correction moves it by 37 minutes a version (often into another hour).
Versions Enter(uint64_t id, std::string park, int64_t time) {
  return [=](int version) {
    return Upload{Platform::kParking, "enterRecord",
                  testing::EnterRecord(id, version % 2 ? "粤B54321" : "粤B12345",
                                       Stamp(time + 37 * 60 * version), park)};
  };
}

// A gate passage counts 1 and its venue and time are in its key: a correction changes nothing counted.
Versions Gate(std::string venue, int64_t adm) {
  return [=](int version) {
    return Upload{Platform::kFitness, "syncGatebrakeFlowData",
                  R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":")" + venue +
                      R"(","deviceId":"GATE-01","admTime":")" + Stamp(adm) + R"(","appearanceTime":")" +
                      Stamp(adm + 60 + version) + R"("})"};
  };
}

// A consumption reading; every version changes the amount, every second one moves the venue to another
// region.
Versions Consumption(std::string_view interface, std::string venue, int64_t acq, int amount_centi,
                     int region) {
  return [=](int version) {
    const Region r = kRegions[static_cast<size_t>(region + version / 2) % std::size(kRegions)];
    const int centi = amount_centi + 113 * version;
    char amount[32];
    std::snprintf(amount, sizeof amount, "%d.%02d", centi / 100, centi % 100);
    return Upload{Platform::kFitness, interface,
                  "{\"provinceId\":" + std::to_string(r.province) + ",\"cityId\":" + std::to_string(r.city) +
                      ",\"districtId\":" + std::to_string(r.district) + ",\"venueId\":\"" + venue +
                      "\",\"acqTime\":\"" + Stamp(acq) + "\",\"consumption\":\"" + amount +
                      "\",\"deviceId\":\"M-01\"}"};
  };
}

// What an operator is handed, step by step.
struct Step {
  enum Kind { kBatch, kCorrection, kWatermark, kFlush } kind;
  size_t first = 0, count = 0;  // records (a correction is one)
  LocalTime watermark{};
};

// Records and the steps that hand them over. Records are parsed up front so
// their addresses are stable while the steps run.
class Stream {
 public:
  void Add(const Upload& u) {
    in_.Add(u.platform, u.interface, u.body);
    ++pending_;
  }
  void EndBatch() {
    if (pending_) steps_.push_back({Step::kBatch, in_.records().size() - pending_, pending_});
    pending_ = 0;
  }
  void Correct(const Upload& u) {
    EndBatch();
    in_.Add(u.platform, u.interface, u.body);
    steps_.push_back({Step::kCorrection, in_.records().size() - 1, 1});
  }
  void Watermark(int64_t local_seconds) {
    EndBatch();
    steps_.push_back({Step::kWatermark, 0, 0, LocalTime{local_seconds}});
  }
  void Flush() {
    EndBatch();
    steps_.push_back({Step::kFlush});
  }

  const std::vector<Step>& steps() const { return steps_; }

  void Apply(const Step& step, Operator& op) const {
    switch (step.kind) {
      case Step::kBatch: {
        std::vector<const ingest::Record*> batch;
        for (size_t i = step.first; i < step.first + step.count; ++i) batch.push_back(&in_.records()[i]);
        op.OnBatch(batch);
        break;
      }
      case Step::kCorrection:
        op.OnCorrection(in_.records()[step.first]);
        break;
      case Step::kWatermark:
        op.OnWatermark(step.watermark);
        break;
      case Step::kFlush:
        op.Flush();
        break;
    }
  }

 private:
  testing::RecordSet in_;
  std::vector<Step> steps_;
  size_t pending_ = 0;
};

// Three days of flow and energy uploads from a few venues and two parking
// lots, an hour per batch, with a watermark every two hours one hour behind
// the data. Among them: records three to six hours late (their hours were
// emitted), exact resends, and corrections of keys accepted up to a day and
// a half before. `through_dedup`: resends and corrections are uploaded as
// they come, for a deduplicator to tell apart; otherwise resends are left
// out and corrections handed over as such, as a deduplicator would.
Stream Traffic(bool through_dedup, uint64_t seed = 20261120) {
  std::mt19937_64 random(seed);
  const auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
  const auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  const int64_t start = ParseDateTime("2026-11-20 00:00:00")->seconds;
  const std::string venues[] = {"440305001", "440305002", "440304007"};
  const std::string lots[] = {"c492c59ab3b6eec618f2ba80974110e0", "5f2b1c0d9e8a7b6c5d4e3f2a1b0c9d8e"};
  constexpr std::string_view kEnergy[] = {"syncEnergyConsumptionData", "syncWaterConsumptionData",
                                          "syncGasConsumptionData"};

  Stream s;
  std::vector<Versions> sent;
  std::vector<int> version;  // the latest version sent, per entry of `sent`
  uint64_t next_id = 1;
  const auto send = [&](Versions v) {
    s.Add(v(0));
    sent.push_back(std::move(v));
    version.push_back(0);
  };
  for (int hour = 0; hour < 72; ++hour) {
    const int64_t h = start + hour * LocalTime::kHour;
    for (size_t v = 0; v < std::size(venues); ++v) {
      send(Binocular(venues[v], h + LocalTime::kHour, static_cast<int>(pick(50))));
      send(Consumption(kEnergy[pick(3)], venues[v], h + LocalTime::kHour, 100 + static_cast<int>(pick(9000)),
                       static_cast<int>(v)));
      if (chance(30)) send(Gate(venues[v], h + static_cast<int64_t>(pick(3600))));
    }
    for (int n = static_cast<int>(pick(4)); n > 0; --n)
      send(Enter(next_id++, lots[pick(2)], h + static_cast<int64_t>(pick(3600))));
    if (hour >= 6 && chance(40)) {  // late: its hour was emitted already
      const int64_t late = h - static_cast<int64_t>(3 + pick(4)) * LocalTime::kHour;
      send(chance(50) ? Binocular(venues[pick(3)], late, 5) : Enter(next_id++, lots[pick(2)], late + 600));
    }
    if (through_dedup && chance(50)) s.Add(sent[pick(sent.size())](0));  // a resend of a first version
    s.EndBatch();
    for (int n = static_cast<int>(pick(3)); n > 0; --n) {
      const size_t key = sent.size() - 1 - pick(std::min<size_t>(sent.size(), 36 * 8));
      const Upload correction = sent[key](++version[key]);
      if (through_dedup)
        s.Add(correction);
      else
        s.Correct(correction);
    }
    s.EndBatch();
    if (hour % 2 == 1) s.Watermark(h);
  }
  s.Flush();
  return s;
}

// The sinks every operator under test writes to; a fresh operator after a
// cut writes to the same ones.
using Sinks = std::array<testing::TableCapture, 3>;

// An operator under test and the counters its accessors expose.
struct Subject {
  std::unique_ptr<Operator> op;
  std::function<std::vector<uint64_t>()> counters;
};
using Factory = std::function<Subject(Sinks&)>;

Subject MakeFlow(Sinks& sinks) {
  auto flow = std::make_unique<FlowHourly>(DefaultFlowSources(), sinks[0], kHorizon);
  const FlowHourly* f = flow.get();
  return {std::move(flow), [f] {
            return std::vector<uint64_t>{f->open_windows(), f->retained_contributions(), f->late_rows()};
          }};
}

Subject MakeEnergy(Sinks& sinks) {
  auto energy = std::make_unique<EnergyTotals>(DefaultEnergySources(), sinks[1], sinks[2], kHorizon);
  const EnergyTotals* e = energy.get();
  return {std::move(energy), [e] {
            return std::vector<uint64_t>{e->open_hourly_cells(), e->open_daily_cells(), e->late_hourly_rows(),
                                         e->late_daily_rows(), e->late_rows()};
          }};
}

// The deduplicator with the real operators behind it, as a shard runs them.
Subject MakePipeline(Sinks& sinks) {
  Subject flow = MakeFlow(sinks), energy = MakeEnergy(sinks);
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::move(flow.op));
  downstream.push_back(std::move(energy.op));
  auto dedup = std::make_unique<Deduplicator>(DedupOptions{.horizon_s = kHorizon, .sweep_every_s = 3 * 3600},
                                              std::move(downstream));
  const Deduplicator* d = dedup.get();
  return {std::move(dedup), [d, flow = flow.counters, energy = energy.counters] {
            std::vector<uint64_t> out = d->duplicates();
            out.insert(out.end(), d->corrections().begin(), d->corrections().end());
            out.push_back(d->keys());
            out.push_back(d->late_rows());
            for (uint64_t c : flow()) out.push_back(c);
            for (uint64_t c : energy()) out.push_back(c);
            return out;
          }};
}

// What a run wrote: per step, the rows it added to every sink (rendered as
// "sink|cell|cell…" and sorted, since cells of one hour may come in any
// order), then the counters at the end.
struct Outcome {
  std::vector<std::vector<std::string>> rows_per_step;
  std::vector<uint64_t> counters;
  bool operator==(const Outcome&) const = default;
};

// A run, with state saved before each step in `cuts`. `load`: the fresh
// operator loads the state (false: it starts empty, which must show).
struct CutRun {
  Outcome outcome;
  std::map<size_t, std::string> states;                  // by step
  std::map<size_t, std::vector<uint64_t>> cut_counters;  // by step
};

CutRun RunWithCuts(const Stream& stream, const Factory& make, const std::vector<size_t>& cuts,
                   bool load = true) {
  CutRun run;
  Sinks sinks;
  Subject subject = make(sinks);
  std::array<size_t, 3> written{};
  for (size_t i = 0; i < stream.steps().size(); ++i) {
    if (std::find(cuts.begin(), cuts.end(), i) != cuts.end()) {
      std::string& state = run.states[i];
      StateWriter writer(state);
      subject.op->SaveState(writer);
      run.cut_counters[i] = subject.counters();
      subject = make(sinks);
      if (load) {
        StateReader reader(state);
        subject.op->LoadState(reader);
        EXPECT_FALSE(reader.failed()) << "step " << i << ": " << reader.error();
        EXPECT_TRUE(reader.at_end()) << "step " << i;
        EXPECT_EQ(subject.counters(), run.cut_counters[i]) << "step " << i;
      }
    }
    stream.Apply(stream.steps()[i], *subject.op);
    std::vector<std::string> rows;
    for (size_t s = 0; s < sinks.size(); ++s) {
      for (; written[s] < sinks[s].rows.size(); ++written[s]) {
        std::string row = std::to_string(s);
        for (const std::string& cell : sinks[s].rows[written[s]]) row += "|" + cell;
        rows.push_back(std::move(row));
      }
    }
    std::sort(rows.begin(), rows.end());
    run.outcome.rows_per_step.push_back(std::move(rows));
  }
  run.outcome.counters = subject.counters();
  return run;
}

std::vector<size_t> EveryStep(const Stream& stream) {
  std::vector<size_t> out(stream.steps().size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

// Cut points spread over the middle of the stream, where state is rich.
std::vector<size_t> SpreadCuts(const Stream& stream) {
  const size_t n = stream.steps().size();
  return {n / 6, n / 3, n / 2, 2 * n / 3, 5 * n / 6};
}

size_t Rows(const Outcome& o) {
  size_t n = 0;
  for (const auto& step : o.rows_per_step) n += step.size();
  return n;
}

size_t NegativeRows(const Outcome& o) {
  size_t n = 0;
  for (const auto& step : o.rows_per_step)
    for (const std::string& row : step) n += row.find("|-") != std::string::npos;
  return n;
}

// Cut at every step and at a few spread points, each against the
// uninterrupted run; a run whose fresh operators do not load must differ.
// Returns the run cut at the spread points.
CutRun ExpectCutsChangeNothing(const Stream& stream, const Factory& make) {
  const Outcome whole = RunWithCuts(stream, make, {}).outcome;
  EXPECT_GT(Rows(whole), 100u);
  EXPECT_GT(NegativeRows(whole), 0u) << "corrections retract";
  EXPECT_EQ(RunWithCuts(stream, make, EveryStep(stream)).outcome, whole);
  EXPECT_NE(RunWithCuts(stream, make, SpreadCuts(stream), /*load=*/false).outcome, whole);
  CutRun spread = RunWithCuts(stream, make, SpreadCuts(stream));
  EXPECT_EQ(spread.outcome, whole);
  return spread;
}

// Prefixes of a state fail the reader: every one near the start and the
// end, a sample in between (each load builds a fresh operator).
void ExpectTruncationFails(const std::string& state, const Factory& make) {
  ASSERT_GT(state.size(), 1024u);
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 64; ++n) lengths.push_back(n);
  for (size_t n = 64; n < state.size() - 64; n += (state.size() - 128) / 128) lengths.push_back(n);
  for (size_t n = state.size() - 64; n < state.size(); ++n) lengths.push_back(n);
  for (const size_t length : lengths) {
    Sinks sinks;
    Subject subject = make(sinks);
    StateReader reader(std::string_view(state).substr(0, length));
    subject.op->LoadState(reader);
    EXPECT_TRUE(reader.failed()) << "a state cut to " << length << " of " << state.size() << " bytes";
  }
}

// 8-byte words of a state (a sample of ~100) overwritten with garbage: the
// load fails, or yields an operator that takes the next steps and a flush
// without reading out of bounds (the sanitizer build checks the memory).
void ExpectDamageIsSafe(const std::string& state, const Stream& stream, size_t from_step,
                        const Factory& make) {
  size_t failed = 0, tried = 0;
  const size_t stride = std::max<size_t>(8, state.size() / 100 / 8 * 8);
  for (size_t at = 0; at + 8 <= state.size(); at += stride) {
    for (const uint64_t garbage : {~uint64_t{0}, uint64_t{1} << 40}) {
      std::string damaged = state;
      std::memcpy(damaged.data() + at, &garbage, 8);
      Sinks sinks;
      Subject subject = make(sinks);
      StateReader reader(damaged);
      subject.op->LoadState(reader);
      ++tried;
      if (reader.failed()) {
        ++failed;
        continue;
      }
      for (size_t i = from_step; i < std::min(from_step + 8, stream.steps().size()); ++i)
        stream.Apply(stream.steps()[i], *subject.op);
      subject.op->Flush();
    }
  }
  EXPECT_GT(failed, 0u) << "of " << tried << " damaged states";
}

// ---- FlowHourly ----

TEST(FlowHourlyState, ACutRunWritesWhatAnUninterruptedRunWrites) {
  const Stream stream = Traffic(/*through_dedup=*/false);
  for (const auto& [step, counters] : ExpectCutsChangeNothing(stream, MakeFlow).cut_counters) {
    EXPECT_GT(counters[0], 0u) << "open windows at step " << step;
    EXPECT_GT(counters[1], 0u) << "contributions kept for corrections at step " << step;
  }
}

TEST(FlowHourlyState, TruncatedOrDamagedStateFailsWithoutCrashing) {
  const Stream stream = Traffic(false);
  const size_t cut = stream.steps().size() / 2;
  const std::string state = RunWithCuts(stream, MakeFlow, {cut}).states.at(cut);
  ExpectTruncationFails(state, MakeFlow);
  ExpectDamageIsSafe(state, stream, cut, MakeFlow);
}

TEST(FlowHourlyState, StateOfAnotherOperatorIsRefused) {
  const Stream stream = Traffic(false);
  const size_t cut = stream.steps().size() / 2;
  const std::string state = RunWithCuts(stream, MakeEnergy, {cut}).states.at(cut);
  Sinks sinks;
  StateReader reader(state);
  MakeFlow(sinks).op->LoadState(reader);
  EXPECT_TRUE(reader.failed());
}

// ---- EnergyTotals ----

TEST(EnergyTotalsState, ACutRunWritesWhatAnUninterruptedRunWrites) {
  const Stream stream = Traffic(false);
  const CutRun run = ExpectCutsChangeNothing(stream, MakeEnergy);
  for (const auto& [step, counters] : run.cut_counters) {
    EXPECT_GT(counters[0], 0u) << "open hourly cells at step " << step;
    EXPECT_GT(counters[1], 0u) << "open daily cells at step " << step;
  }
  const std::vector<uint64_t>& end = run.outcome.counters;
  EXPECT_GT(end[2], 0u) << "late hourly rows";
  EXPECT_GT(end[3], 0u) << "late daily rows";
}

TEST(EnergyTotalsState, TruncatedOrDamagedStateFailsWithoutCrashing) {
  const Stream stream = Traffic(false);
  const size_t cut = stream.steps().size() / 2;
  const std::string state = RunWithCuts(stream, MakeEnergy, {cut}).states.at(cut);
  ExpectTruncationFails(state, MakeEnergy);
  ExpectDamageIsSafe(state, stream, cut, MakeEnergy);
}

// ---- The deduplicator and the operators behind it ----

TEST(DeduplicatorState, ACutPipelineWritesWhatAnUninterruptedOneWrites) {
  const Stream stream = Traffic(/*through_dedup=*/true);
  const CutRun run = ExpectCutsChangeNothing(stream, MakePipeline);
  const size_t interfaces = ingest::Registry::Get().All().size();
  for (const auto& [step, counters] : run.cut_counters) {
    EXPECT_GT(counters[2 * interfaces], 0u) << "dedup keys at step " << step;
    EXPECT_GT(counters[2 * interfaces + 2], 0u) << "open flow windows at step " << step;
    EXPECT_GT(counters[2 * interfaces + 5], 0u) << "open hourly energy cells at step " << step;
  }
  // After each cut, duplicates and corrections keep arriving for keys accepted before it.
  const std::vector<uint64_t>& end = run.outcome.counters;
  for (const auto& [step, counters] : run.cut_counters) {
    uint64_t duplicates = 0, corrections = 0;
    for (size_t i = 0; i < interfaces; ++i) {
      duplicates += end[i] - counters[i];
      corrections += end[interfaces + i] - counters[interfaces + i];
    }
    EXPECT_GT(duplicates, 0u) << "after step " << step;
    EXPECT_GT(corrections, 0u) << "after step " << step;
  }
}

TEST(DeduplicatorState, TruncatedOrDamagedStateFailsWithoutCrashing) {
  const Stream stream = Traffic(true);
  const size_t cut = stream.steps().size() / 2;
  const std::string state = RunWithCuts(stream, MakePipeline, {cut}).states.at(cut);
  ExpectTruncationFails(state, MakePipeline);
  ExpectDamageIsSafe(state, stream, cut, MakePipeline);
}

TEST(DeduplicatorState, StateForOtherDownstreamOperatorsIsRefused) {
  const Stream stream = Traffic(true);
  const size_t cut = stream.steps().size() / 2;
  const std::string state = RunWithCuts(stream, MakePipeline, {cut}).states.at(cut);
  std::vector<std::unique_ptr<Operator>> downstream;  // the pipeline without EnergyTotals
  Sinks sinks;
  downstream.push_back(MakeFlow(sinks).op);
  Deduplicator dedup(DedupOptions{.horizon_s = kHorizon, .sweep_every_s = 3 * 3600}, std::move(downstream));
  StateReader reader(state);
  dedup.LoadState(reader);
  EXPECT_TRUE(reader.failed());
}

}  // namespace
}  // namespace civicflow::operators
