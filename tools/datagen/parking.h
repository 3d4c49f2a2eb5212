#pragma once
// ParkingGenerator: Shenzhen parking lots as a simulation. Each lot has a
// capacity, a customer mix (commuters, short stays, overnight residents) with
// morning and evening arrival peaks, and the true set of cars inside. Enter and
// exit records share the visit's id; a lot never goes negative or over
// capacity (arrivals at a full lot are turned away). At every full hour each
// lot sends parkCarInfo (the true plate list) and parkSpaceInfo with the
// envelope ts = that hour. A missing-record fraction of enter or exit records
// is never sent, though those cars are still in the true lists. Reservable lots
// also take bookings (a few changed, whose re-sent record is a correction, or
// cancelled); booked cars arrive with their bookCode. Some entries upload
// their photo (picture).
#include <string>
#include <unordered_set>
#include <vector>

#include "tools/datagen/filler.h"
#include "tools/datagen/platform.h"

namespace civicflow::datagen {

class ParkingGenerator final : public PlatformGenerator {
 public:
  ParkingGenerator(const World& world, int lots, double missing_rate);
  uint64_t FixedRecords() const override;
  void SetFlowBudget(uint64_t records) override;
  void GenerateHour(int64_t hour_s, Emitter& out) override;

 private:
  enum Kind { kCommuter, kShopper, kResident, kKinds };
  struct Vehicle {
    std::string plate;
    bool new_energy = false;
    uint8_t model = 2, color = 1;
  };
  struct Visit {
    Vehicle vehicle;
    std::string id;  // 32 hex digits, shared by the enter and exit records
    int64_t enter_s = 0, exit_s = 0;
    uint8_t gate_in = 0, gate_out = 0;
    std::string book_code;  // set when the visit was reserved
    bool regular = false;
    bool drop_exit = false;
  };
  struct Booking {
    int64_t arrive_s = 0;
    Vehicle vehicle;
    std::string code;
  };
  struct Lot {
    std::string code, name, address;
    const District* district = nullptr;
    double latitude = 0, longitude = 0;
    double share[kKinds] = {};
    double weight = 1;
    double daily_visits = 0;
    int capacity = 0, charging = 0, reservable = 0, month_card = 0, fixed = 0;
    std::vector<std::string> gate_codes, gate_names;
    std::vector<Vehicle> regulars;
    std::vector<Visit> inside;      // min-heap on exit_s
    std::vector<Booking> bookings;  // min-heap on arrive_s
    int regulars_inside = 0, new_energy_inside = 0;
    double hourly[24] = {};  // expected arrivals per hour of day
    double kind_mass[kKinds][24] = {};
    int64_t heartbeat_phase = 0;
  };

  void SendMasterData(Lot& lot, int64_t hour_s, Emitter& out);
  void SendLists(Lot& lot, int64_t hour_s, Emitter& out);
  void SimulateHour(Lot& lot, int64_t hour_s, Emitter& out);
  // Reservations made this hour (some changed or cancelled); kept ones arrive within the hour after.
  void Book(Lot& lot, int64_t hour_s, Emitter& out);
  Visit NewVisit(Lot& lot, Kind kind, int64_t enter_s);
  int64_t StayUntil(Kind kind, int64_t enter_s);
  void Enter(Lot& lot, Visit visit);
  void Exit(Lot& lot);
  void EnterText(const Lot& lot, const Visit& v, std::string& out) const;
  void ExitText(const Lot& lot, const Visit& v, std::string& out) const;
  void SizeLots();

  World world_;
  double missing_rate_;
  Rng rng_;
  RecordFiller filler_;
  std::vector<Lot> lots_;
  std::unordered_set<std::string> parked_;  // plates inside any lot
  int64_t heartbeat_every_s_ = 3600;
  uint64_t missing_enters_ = 0, missing_exits_ = 0, turned_away_ = 0;
  std::vector<Item> enters_, exits_, pictures_, reservations_;
  ingest::InterfaceId enter_id_, exit_id_, car_info_id_, space_info_id_, heartbeat_id_, park_info_id_,
      gate_info_id_, picture_id_, reservation_id_, cancel_id_;
};

}  // namespace civicflow::datagen
