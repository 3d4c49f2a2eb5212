#pragma once
// CommunityGenerator: residential communities of Shenzhen. Master data
// (community, entrances, buildings, houses, residents, staff, poles, cameras,
// access systems, vehicles, barriers) is sent first, at the start hour; then
// person passages at the access systems, vehicle passages at the barriers and
// face captures follow a commuting curve, and every four hours each community
// reports its cameras' status. Codes follow the spec's coding rules (community
// 15 digits, entrance 19, camera 20, barrier and access system 22) so every
// passage names registered devices.
#include <string>
#include <vector>

#include "tools/datagen/filler.h"
#include "tools/datagen/platform.h"

namespace civicflow::datagen {

class CommunityGenerator final : public PlatformGenerator {
 public:
  CommunityGenerator(const World& world, int communities);
  uint64_t FixedRecords() const override;
  void SetFlowBudget(uint64_t records) override;
  void GenerateHour(int64_t hour_s, Emitter& out) override;

 private:
  struct Community {
    std::string code;  // xqbm
    std::string name;
    const District* district = nullptr;
    double latitude = 0, longitude = 0;
    std::vector<std::string> entrances, access_systems, face_cameras, barriers, barrier_cameras, buildings,
        houses;
    std::vector<std::string> cards, plates;
    double weight = 1, daily_persons = 0, daily_vehicles = 0, daily_snaps = 0;
  };

  void SendMasterData(Community& c, int64_t hour_s, Emitter& out);
  void CommunityHour(Community& c, int64_t hour_s, Emitter& out);
  void SendStatus(Community& c, int64_t hour_s, Emitter& out);
  std::string Image();

  World world_;
  Rng rng_;
  RecordFiller filler_;
  std::vector<Community> communities_;
  double person_curve_[24] = {}, vehicle_curve_[24] = {};
  std::vector<Item> persons_, vehicles_, snaps_;
  ingest::InterfaceId person_id_, vehicle_id_, snap_id_, status_id_;
};

}  // namespace civicflow::datagen
