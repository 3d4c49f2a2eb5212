#pragma once
// OrienteeringGenerator: runners of the orienteering app in Shenzhen parks.
// Each session runs a course of control points during the day: the app uploads
// its GPS track and heart rate every five minutes (session-uploads), reports
// each control punch, and finishes the session with a summary.
#include <string>
#include <vector>

#include "tools/datagen/platform.h"

namespace civicflow::datagen {

class OrienteeringGenerator final : public PlatformGenerator {
 public:
  explicit OrienteeringGenerator(const World& world);
  uint64_t FixedRecords() const override { return 0; }
  void SetFlowBudget(uint64_t records) override;
  void GenerateHour(int64_t hour_s, Emitter& out) override;

 private:
  struct Run {
    int64_t start_s = 0;
    uint32_t seq = 0;
  };
  void RunSession(const Run& run);

  World world_;
  Rng rng_;
  std::vector<Run> runs_;  // sorted by start
  size_t next_run_ = 0;
  std::vector<Item> uploads_, punches_, finishes_;
  ingest::InterfaceId upload_id_, punch_id_, finish_id_;
};

}  // namespace civicflow::datagen
