#pragma once
// FitnessGenerator: national-fitness venues in Shenzhen, Guangzhou and
// Beijing. Each venue has opening hours, a daily attendance curve (morning,
// noon and evening peaks), gates and card readers whose detail records follow
// that curve, people-counting devices (binocular, face recognition) and meters
// (electricity, water, gas) that report hourly statistics labelled by the end
// of their hour, and the venue's master data. The long tail of the fitness
// interfaces (orders, courses, equipment, events, members) is filled from the
// registry with the venue's identifiers pinned.
#include <string>
#include <vector>

#include "tools/datagen/filler.h"
#include "tools/datagen/platform.h"

namespace civicflow::datagen {

class FitnessGenerator final : public PlatformGenerator {
 public:
  FitnessGenerator(const World& world, int venues);
  uint64_t FixedRecords() const override;
  void SetFlowBudget(uint64_t records) override;
  void GenerateHour(int64_t hour_s, Emitter& out) override;

 private:
  struct Venue {
    std::string id;  // nine digits: district code + sequence (also sent as Int)
    std::string name;
    const District* district = nullptr;
    int open_h = 6, close_h = 22;
    double weight = 1, daily_entries = 0, gate_share = 0.6;
    std::vector<std::string> binocular, face, gates, readers;
    std::string electricity, water, gas;  // meter ids; empty when the venue has none
    double base_kwh = 20, base_water = 0.5, base_gas = 0;
    std::vector<int64_t> members;
    std::string outdoor, indoor;  // fitness equipment ids; empty when none
    bool fitness_centre = false;
    double curve[24] = {};
  };

  void SendMasterData(int64_t hour_s, Emitter& out);
  void VenueHour(Venue& v, int64_t hour_s, Emitter& out);
  void TailHour(Venue& v, int64_t hour_s, bool open, Emitter& out);
  std::string Filled(ingest::InterfaceId iface, const std::vector<Override>& overrides, int64_t ref_s,
                     int district);
  std::vector<Override> Region(const Venue& v) const;

  World world_;
  Rng rng_;
  RecordFiller filler_;
  std::vector<Venue> venues_;
  int64_t next_order_ = 1;
  std::vector<Item> gate_items_, card_items_, binocular_, face_, electricity_, water_, gas_, tail_;
  ingest::InterfaceId venue_id_, binocular_id_, face_id_, gate_id_, card_id_, electricity_id_, water_id_,
      gas_id_;
};

}  // namespace civicflow::datagen
