#pragma once
// What every platform generator shares: the simulated world's frame (start,
// length, seed), the generator interface the driver calls hour by hour, the
// districts the simulated sites sit in, and daily-curve arithmetic.
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/registry/registry.h"
#include "tools/datagen/emitter.h"

namespace civicflow::datagen {

inline constexpr int64_t kHourS = 3600;
inline constexpr int64_t kDayS = 86400;

struct World {
  int64_t start_s = 0;  // local seconds of the first hour (a midnight)
  int days = 3;
  uint64_t seed = 1;
  uint64_t target_records = 100000;
  int64_t end_s() const { return start_s + days * kDayS; }
};

// A platform's simulation. Constructed with its entities; the driver then
// sets the share of --records its flows get and calls GenerateHour for each
// hour in order. Owned and called by one thread.
class PlatformGenerator {
 public:
  virtual ~PlatformGenerator() = default;
  // Records sent whatever the budget: master data, hourly statistics and lists.
  virtual uint64_t FixedRecords() const = 0;
  // Records for the flows that scale with --records (visits, passages, sales).
  virtual void SetFlowBudget(uint64_t records) = 0;
  // Sends every record whose event time falls in [hour_s, hour_s + 1 h), and
  // hourly statistics labelled by the end of that hour.
  // REQUIRES: hours in increasing order; nothing is sent before hour_s.
  virtual void GenerateHour(int64_t hour_s, Emitter& out) = 0;
};

// REQUIRES: the interface is registered (a typo is a bug of this tool).
ingest::InterfaceId InterfaceIdOf(ingest::Platform platform, std::string_view name);

struct District {
  int code;  // GB/T 2260
  std::string_view name;
  std::string_view city;
  double latitude, longitude;
};
std::span<const District> ShenzhenDistricts();
// Shenzhen, Guangzhou and Beijing districts.
std::span<const District> AllDistricts();

// Probability mass of N(mean_h, sd_h) (hours of day) falling in [hour, hour + 1).
inline double NormalMass(double mean_h, double sd_h, int hour) {
  auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - mean_h) / (sd_h * std::sqrt(2.0))); };
  return cdf(hour + 1.0) - cdf(hour);
}

// Sends `object` as a request of its own at `send_s` plus a random millisecond;
// the envelope ts is the send time. `array_body` wraps it in an array.
void SendObject(Emitter& out, ingest::InterfaceId iface, int64_t send_s, std::string object, Rng& rng,
                bool array_body = false);
// Same, at exactly `send_ms` (epoch ms).
void SendObjectAt(Emitter& out, ingest::InterfaceId iface, int64_t send_ms, std::string object,
                  bool array_body = false);

// Sorted offsets within an hour, strictly increasing by at least one second
// (per-device times so that device + second keys never collide); may spill
// past the hour when the hour is crowded.
void HourOffsets(Rng& rng, uint32_t count, std::vector<int64_t>& out);

}  // namespace civicflow::datagen
