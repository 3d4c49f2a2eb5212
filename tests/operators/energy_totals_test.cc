#include "operators/energy_totals.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operators/deduplicator.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using testing::RecordSet;
using Rows = std::vector<std::vector<std::string>>;

constexpr std::string_view kElectricity = "syncEnergyConsumptionData";
constexpr std::string_view kWater = "syncWaterConsumptionData";
constexpr std::string_view kGas = "syncGasConsumptionData";

struct Region {
  int province, city, district;
};
constexpr Region kNanshan{440000, 440300, 440305};   // Shenzhen, Nanshan
constexpr Region kFutian{440000, 440300, 440304};    // Shenzhen, Futian
constexpr Region kTianhe{440000, 440100, 440106};    // Guangzhou, Tianhe
constexpr Region kChaoyang{110000, 110100, 110105};  // Beijing, Chaoyang

// One consumption record as the fitness platform uploads it (consumption is a numeric string).
std::string Consumption(std::string_view venue, std::string_view acq_time, std::string_view consumption,
                        std::string_view device = "EM-01", Region region = kNanshan) {
  return "{\"provinceId\":" + std::to_string(region.province) + ",\"cityId\":" + std::to_string(region.city) +
         ",\"districtId\":" + std::to_string(region.district) + ",\"venueId\":\"" + std::string(venue) +
         "\",\"acqTime\":\"" + std::string(acq_time) + "\",\"consumption\":\"" + std::string(consumption) +
         "\",\"deviceId\":\"" + std::string(device) + "\"}";
}

LocalTime At(std::string_view time) { return *ParseDateTime(time); }

// SUM(consumption) in micro-units per key (every column but the last), as a
// consumer of an additive table computes it.
std::map<std::vector<std::string>, int64_t> Sums(const Rows& rows) {
  std::map<std::vector<std::string>, int64_t> out;
  for (const auto& row : rows) {
    std::vector<std::string> key(row.begin(), row.end() - 1);
    const std::string& v = row.back();
    const bool negative = v[0] == '-';
    const std::string digits = negative ? v.substr(1) : v;
    const size_t dot = digits.find('.');
    std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
    frac.resize(6, '0');
    int64_t micro = std::stoll(digits.substr(0, dot)) * 1'000'000 + std::stoll(frac);
    out[key] += negative ? -micro : micro;
  }
  return out;
}

class EnergyTotalsTest : public ::testing::Test {
 protected:
  void Feed() {
    energy.OnBatch(in.Pointers());
    in.Clear();
  }
  void Correct(std::string_view interface, const std::string& body) {
    in.Add(Platform::kFitness, interface, body);
    ASSERT_EQ(in.records().size(), 1u);
    energy.OnCorrection(in.records()[0]);
    in.Clear();
  }
  testing::TableCapture hourly, daily;
  EnergyTotals energy{DefaultEnergySources(), hourly, daily};
  RecordSet in;
};

TEST_F(EnergyTotalsTest, AcqTimeLabelsTheEndOfTheHour) {
  in.Add(Platform::kFitness, kElectricity, Consumption("440305001", "2026-11-20 18:00:00", "356.75"));
  Feed();
  energy.OnWatermark(At("2026-11-20 17:59:59"));
  EXPECT_TRUE(hourly.rows.empty()) << "the hour 17:00–18:00 is not over yet";
  energy.OnWatermark(At("2026-11-20 18:00:00"));
  EXPECT_EQ(
      hourly.rows,
      (Rows{{"440305001", "440000", "440300", "440305", "2026-11-20 17:00:00", "electricity", "356.75"}}));
  EXPECT_TRUE(daily.rows.empty());
  EXPECT_EQ(energy.late_rows(), 0u);
}

TEST_F(EnergyTotalsTest, MidnightReadingBelongsToTheDayBefore) {
  in.Add(Platform::kFitness, kWater, Consumption("440305001", "2026-11-21 00:00:00", "12.4", "WM-01"));
  Feed();
  energy.OnWatermark(At("2026-11-21 00:00:00"));
  EXPECT_EQ(hourly.rows,
            (Rows{{"440305001", "440000", "440300", "440305", "2026-11-20 23:00:00", "water", "12.4"}}));
  EXPECT_EQ(daily.rows, (Rows{{"district", "440305", "2026-11-20", "water", "12.4"},
                              {"city", "440300", "2026-11-20", "water", "12.4"},
                              {"province", "440000", "2026-11-20", "water", "12.4"}}));
}

TEST_F(EnergyTotalsTest, DayIsEmittedOnlyWhenTheWatermarkReachesTheNextMidnight) {
  in.Add(Platform::kFitness, kGas, Consumption("440305001", "2026-11-20 01:00:00", "1.5", "GM-01"))
      .Add(Platform::kFitness, kGas, Consumption("440305001", "2026-11-20 23:00:00", "2", "GM-01"));
  Feed();
  energy.OnWatermark(At("2026-11-20 23:59:59"));
  EXPECT_EQ(hourly.rows.size(), 2u) << "00:00 and 22:00 hours are over";
  EXPECT_TRUE(daily.rows.empty()) << "the day has one more hour to go";
  EXPECT_EQ(energy.open_daily_cells(), 3u);
  energy.OnWatermark(At("2026-11-21 00:00:00"));
  EXPECT_EQ(daily.rows, (Rows{{"district", "440305", "2026-11-20", "gas", "3.5"},
                              {"city", "440300", "2026-11-20", "gas", "3.5"},
                              {"province", "440000", "2026-11-20", "gas", "3.5"}}));
  EXPECT_EQ(energy.open_daily_cells(), 0u);
  EXPECT_EQ(energy.open_hourly_cells(), 0u);
}

TEST_F(EnergyTotalsTest, DailyRowsSumAtDistrictCityAndProvinceLevel) {
  in.Add(Platform::kFitness, kElectricity,
         Consumption("V-NANSHAN", "2026-11-20 10:00:00", "1", "E1", kNanshan))
      .Add(Platform::kFitness, kElectricity,
           Consumption("V-FUTIAN", "2026-11-20 10:00:00", "2", "E1", kFutian))
      .Add(Platform::kFitness, kElectricity,
           Consumption("V-TIANHE", "2026-11-20 11:00:00", "4", "E1", kTianhe))
      .Add(Platform::kFitness, kElectricity,
           Consumption("V-CHAOYANG", "2026-11-20 12:00:00", "8", "E1", kChaoyang));
  Feed();
  energy.Flush();
  EXPECT_EQ(daily.rows, (Rows{{"district", "110105", "2026-11-20", "electricity", "8"},
                              {"district", "440106", "2026-11-20", "electricity", "4"},
                              {"district", "440304", "2026-11-20", "electricity", "2"},
                              {"district", "440305", "2026-11-20", "electricity", "1"},
                              {"city", "110100", "2026-11-20", "electricity", "8"},
                              {"city", "440100", "2026-11-20", "electricity", "4"},
                              {"city", "440300", "2026-11-20", "electricity", "3"},
                              {"province", "110000", "2026-11-20", "electricity", "8"},
                              {"province", "440000", "2026-11-20", "electricity", "7"}}));
  EXPECT_EQ(hourly.rows.size(), 4u);
}

TEST_F(EnergyTotalsTest, KindsAndVenuesAreKeptApart) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "10", "EM-01"))
      .Add(Platform::kFitness, kWater, Consumption("V1", "2026-11-20 18:00:00", "20", "WM-01"))
      .Add(Platform::kFitness, kGas, Consumption("V1", "2026-11-20 18:00:00", "30", "GM-01"))
      .Add(Platform::kFitness, kElectricity, Consumption("V2", "2026-11-20 18:00:00", "40", "EM-01"))
      // A second meter of V1: same row as EM-01.
      .Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "5", "EM-02"));
  Feed();
  energy.OnWatermark(At("2026-11-21 00:00:00"));
  const std::string h = "2026-11-20 17:00:00";
  EXPECT_EQ(hourly.rows, (Rows{{"V1", "440000", "440300", "440305", h, "electricity", "15"},
                               {"V1", "440000", "440300", "440305", h, "water", "20"},
                               {"V1", "440000", "440300", "440305", h, "gas", "30"},
                               {"V2", "440000", "440300", "440305", h, "electricity", "40"}}));
  const auto sums = Sums(daily.rows);
  EXPECT_EQ(daily.rows.size(), 9u) << "three kinds × three levels";
  EXPECT_EQ(sums.at({"district", "440305", "2026-11-20", "electricity"}), 55'000'000);
  EXPECT_EQ(sums.at({"city", "440300", "2026-11-20", "water"}), 20'000'000);
  EXPECT_EQ(sums.at({"province", "440000", "2026-11-20", "gas"}), 30'000'000);
}

TEST_F(EnergyTotalsTest, DecimalsAreExact) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "0.1", "E1"))
      .Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "0.2", "E2"))
      .Add(Platform::kFitness, kWater, Consumption("V1", "2026-11-20 18:00:00", "123456789.999999", "W1"))
      .Add(Platform::kFitness, kWater, Consumption("V1", "2026-11-20 18:00:00", "0.000001", "W2"))
      .Add(Platform::kFitness, kGas, Consumption("V1", "2026-11-20 18:00:00", "0.000001", "G1"));
  Feed();
  energy.OnWatermark(At("2026-11-20 18:00:00"));
  ASSERT_EQ(hourly.rows.size(), 3u);
  EXPECT_EQ(hourly.rows[0].back(), "0.3");
  EXPECT_EQ(hourly.rows[1].back(), "123456790") << "no trailing dot or zeros";
  EXPECT_EQ(hourly.rows[2].back(), "0.000001");
  energy.Flush();
  EXPECT_EQ(daily.rows[0],
            (std::vector<std::string>{"district", "440305", "2026-11-20", "electricity", "0.3"}));
}

TEST_F(EnergyTotalsTest, ZeroConsumptionIsARow) {
  in.Add(Platform::kFitness, kGas, Consumption("V1", "2026-11-20 18:00:00", "0", "G1"));
  Feed();
  energy.OnWatermark(At("2026-11-20 18:00:00"));
  EXPECT_EQ(hourly.rows, (Rows{{"V1", "440000", "440300", "440305", "2026-11-20 17:00:00", "gas", "0"}}));
}

TEST_F(EnergyTotalsTest, LateRecordsYieldFurtherAdditiveRows) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "1.25", "E1"));
  Feed();
  energy.OnWatermark(At("2026-11-20 20:00:00"));
  ASSERT_EQ(hourly.rows.size(), 1u);

  // The hour was emitted, the day was not: only the hourly row is late.
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "0.75", "E2"));
  Feed();
  EXPECT_EQ(hourly.rows.size(), 1u) << "late rows wait for the next watermark";
  energy.OnWatermark(At("2026-11-20 20:00:01"));
  EXPECT_EQ(hourly.rows,
            (Rows{{"V1", "440000", "440300", "440305", "2026-11-20 17:00:00", "electricity", "1.25"},
                  {"V1", "440000", "440300", "440305", "2026-11-20 17:00:00", "electricity", "0.75"}}));
  EXPECT_EQ(energy.late_rows(), 1u);

  energy.OnWatermark(At("2026-11-21 00:00:00"));
  EXPECT_EQ(daily.rows.size(), 3u);
  EXPECT_EQ(daily.rows[0],
            (std::vector<std::string>{"district", "440305", "2026-11-20", "electricity", "2"}));

  // Now both the hour and the day are emitted: one late hourly and three late daily rows.
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "3", "E3"));
  Feed();
  energy.OnWatermark(At("2026-11-21 00:10:00"));
  ASSERT_EQ(hourly.rows.size(), 3u);
  EXPECT_EQ(hourly.rows[2].back(), "3");
  EXPECT_EQ(daily.rows, (Rows{{"district", "440305", "2026-11-20", "electricity", "2"},
                              {"city", "440300", "2026-11-20", "electricity", "2"},
                              {"province", "440000", "2026-11-20", "electricity", "2"},
                              {"district", "440305", "2026-11-20", "electricity", "3"},
                              {"city", "440300", "2026-11-20", "electricity", "3"},
                              {"province", "440000", "2026-11-20", "electricity", "3"}}));
  EXPECT_EQ(energy.late_hourly_rows(), 2u);
  EXPECT_EQ(energy.late_daily_rows(), 3u);
  EXPECT_EQ(energy.late_rows(), 5u);
  EXPECT_EQ(Sums(hourly.rows).begin()->second, 5'000'000);
}

TEST_F(EnergyTotalsTest, CorrectionAfterEmissionRetractsHourlyAndDailyRows) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "356.75", "EM-01"));
  Feed();
  energy.OnWatermark(At("2026-11-21 00:00:00"));  // hour and day emitted: 356.75
  ASSERT_EQ(hourly.rows.size(), 1u);
  ASSERT_EQ(daily.rows.size(), 3u);

  Correct(kElectricity, Consumption("V1", "2026-11-20 18:00:00", "300", "EM-01"));
  energy.OnWatermark(At("2026-11-21 01:00:00"));
  EXPECT_EQ(hourly.rows.back(), (std::vector<std::string>{"V1", "440000", "440300", "440305",
                                                          "2026-11-20 17:00:00", "electricity", "-56.75"}));
  EXPECT_EQ(daily.rows, (Rows{{"district", "440305", "2026-11-20", "electricity", "356.75"},
                              {"city", "440300", "2026-11-20", "electricity", "356.75"},
                              {"province", "440000", "2026-11-20", "electricity", "356.75"},
                              {"district", "440305", "2026-11-20", "electricity", "-56.75"},
                              {"city", "440300", "2026-11-20", "electricity", "-56.75"},
                              {"province", "440000", "2026-11-20", "electricity", "-56.75"}}));
  for (const auto& [key, sum] : Sums(hourly.rows)) EXPECT_EQ(sum, 300'000'000);
  for (const auto& [key, sum] : Sums(daily.rows)) EXPECT_EQ(sum, 300'000'000);
  EXPECT_EQ(energy.late_rows(), 4u);

  // A second correction retracts the first correction's value, not the original.
  Correct(kElectricity, Consumption("V1", "2026-11-20 18:00:00", "310.5", "EM-01"));
  energy.Flush();
  EXPECT_EQ(hourly.rows.back().back(), "10.5");
  for (const auto& [key, sum] : Sums(hourly.rows)) EXPECT_EQ(sum, 310'500'000);
  for (const auto& [key, sum] : Sums(daily.rows)) EXPECT_EQ(sum, 310'500'000);
}

TEST_F(EnergyTotalsTest, CorrectionBeforeEmissionLeavesOneRow) {
  in.Add(Platform::kFitness, kWater, Consumption("V1", "2026-11-20 18:00:00", "5", "WM-01"))
      .Add(Platform::kFitness, kWater, Consumption("V1", "2026-11-20 18:00:00", "1", "WM-02"));
  Feed();
  Correct(kWater, Consumption("V1", "2026-11-20 18:00:00", "2.5", "WM-01"));
  energy.Flush();
  EXPECT_EQ(hourly.rows, (Rows{{"V1", "440000", "440300", "440305", "2026-11-20 17:00:00", "water", "3.5"}}));
  EXPECT_EQ(daily.rows.size(), 3u);
  EXPECT_EQ(energy.late_rows(), 0u);
}

TEST_F(EnergyTotalsTest, CorrectionMovingTheDistrictTouchesOnlyTheRowsThatChange) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "7", "EM-01", kNanshan));
  Feed();
  energy.OnWatermark(At("2026-11-21 00:00:00"));
  hourly.rows.clear();
  daily.rows.clear();
  Correct(kElectricity, Consumption("V1", "2026-11-20 18:00:00", "7", "EM-01", kFutian));
  energy.OnWatermark(At("2026-11-21 01:00:00"));
  // district_id is a column of energy_hourly: the old row is retracted, the new one added.
  EXPECT_EQ(hourly.rows,
            (Rows{{"V1", "440000", "440300", "440305", "2026-11-20 17:00:00", "electricity", "-7"},
                  {"V1", "440000", "440300", "440304", "2026-11-20 17:00:00", "electricity", "7"}}));
  // City and province are unchanged: their deltas cancel and write nothing.
  EXPECT_EQ(daily.rows, (Rows{{"district", "440304", "2026-11-20", "electricity", "7"},
                              {"district", "440305", "2026-11-20", "electricity", "-7"}}));
}

TEST_F(EnergyTotalsTest, CorrectionBeforeEmissionMovingTheDistrictLeavesNoTraceOfTheOldOne) {
  in.Add(Platform::kFitness, kGas, Consumption("V1", "2026-11-20 18:00:00", "4", "GM-01", kNanshan));
  Feed();
  Correct(kGas, Consumption("V1", "2026-11-20 18:00:00", "4", "GM-01", kFutian));
  energy.Flush();
  EXPECT_EQ(hourly.rows, (Rows{{"V1", "440000", "440300", "440304", "2026-11-20 17:00:00", "gas", "4"}}));
  EXPECT_EQ(daily.rows, (Rows{{"district", "440304", "2026-11-20", "gas", "4"},
                              {"city", "440300", "2026-11-20", "gas", "4"},
                              {"province", "440000", "2026-11-20", "gas", "4"}}));
}

TEST_F(EnergyTotalsTest, FlushEmitsEverythingLeft) {
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "1", "E1"))
      .Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-22 09:00:00", "2", "E1"));
  Feed();
  energy.OnWatermark(At("2026-11-20 18:00:00"));
  EXPECT_EQ(hourly.rows.size(), 1u);
  energy.Flush();
  EXPECT_EQ(hourly.rows.size(), 2u);
  EXPECT_EQ(hourly.rows[1][4], "2026-11-22 08:00:00");
  EXPECT_EQ(daily.rows.size(), 6u);
  EXPECT_EQ(daily.rows[3],
            (std::vector<std::string>{"district", "440305", "2026-11-22", "electricity", "2"}));
  EXPECT_EQ(energy.open_hourly_cells() + energy.open_daily_cells(), 0u);
  EXPECT_EQ(energy.late_rows(), 0u);
}

TEST_F(EnergyTotalsTest, IgnoresInterfacesThatAreNotEnergySources) {
  in.Add(Platform::kFitness, "syncBinocularFlowData",
         testing::BinocularFlow("V1", "2026-11-20 18:00:00", 128));
  Feed();
  energy.Flush();
  EXPECT_TRUE(hourly.rows.empty());
  EXPECT_TRUE(daily.rows.empty());
}

TEST_F(EnergyTotalsTest, ContributionsAreForgottenPastTheHorizon) {
  testing::TableCapture h, d;
  EnergyTotals shortlived(DefaultEnergySources(), h, d, /*horizon_s=*/3600);
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 01:00:00", "4", "E1"));
  shortlived.OnBatch(in.Pointers());
  in.Clear();
  shortlived.OnWatermark(At("2026-11-20 12:00:00"));  // sweeps keys of hours before 11:00
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 01:00:00", "1", "E1"));
  shortlived.OnCorrection(in.records()[0]);
  shortlived.Flush();
  // Nothing left to retract: the corrected value only adds (the deduplicator forgot the key too).
  ASSERT_EQ(h.rows.size(), 2u);
  EXPECT_EQ(h.rows[1].back(), "1");
}

TEST(EnergyTotalsPipeline, DuplicatesAreDroppedAndCorrectionsRetractThroughTheDeduplicator) {
  testing::TableCapture hourly, daily;
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::make_unique<EnergyTotals>(DefaultEnergySources(), hourly, daily));
  Deduplicator dedup(DedupOptions{}, std::move(downstream));
  RecordSet in;
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "10", "EM-01"))
      .Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "10", "EM-01"));
  dedup.OnBatch(in.Pointers());
  dedup.OnWatermark(At("2026-11-21 00:00:00"));
  EXPECT_EQ(hourly.rows.back().back(), "10") << "the duplicate counted once";
  in.Clear();
  in.Add(Platform::kFitness, kElectricity, Consumption("V1", "2026-11-20 18:00:00", "12", "EM-01"));
  dedup.OnBatch(in.Pointers());
  dedup.Flush();
  EXPECT_EQ(hourly.rows.back().back(), "2");
  for (const auto& [key, sum] : Sums(daily.rows)) EXPECT_EQ(sum, 12'000'000);
}

TEST(EnergySources, EveryDefaultSourceResolvesAgainstTheRegistry) {
  testing::TableCapture sink;
  EXPECT_NO_THROW(EnergyTotals(DefaultEnergySources(), sink, sink));
  const EnergySource unknown[] = {{"syncNoSuchData", "electricity"}};
  EXPECT_THROW((EnergyTotals{unknown, sink, sink}), std::logic_error);
  const EnergySource lacks_consumption[] = {{"syncBinocularFlowData", "electricity"}};
  EXPECT_THROW((EnergyTotals{lacks_consumption, sink, sink}), std::logic_error);
}

}  // namespace
}  // namespace civicflow::operators
