#pragma once
// TicketingGenerator: performances and their sessions in theatres of Shenzhen,
// Guangzhou and Beijing. At the start hour it reports each performance,
// session, inventory snapshot and every ticket (seat); orders then sell the
// seats with a curve that rises towards the session, a few orders are refunded,
// and around each session's start the audience's tickets are checked (some
// twice). Inventory snapshots follow every six hours. Checks are sent in
// batches as report/checking ticketList elements.
#include <string>
#include <vector>

#include "tools/datagen/filler.h"
#include "tools/datagen/platform.h"

namespace civicflow::datagen {

class TicketingGenerator final : public PlatformGenerator {
 public:
  TicketingGenerator(const World& world, int sessions);
  uint64_t FixedRecords() const override;
  void SetFlowBudget(uint64_t records) override;
  void GenerateHour(int64_t hour_s, Emitter& out) override;

 private:
  struct Tier {
    std::string id, name;
    int64_t price_fen = 0;
    std::vector<uint32_t> unsold;  // ticket indexes
  };
  struct Ticket {
    std::string id;
    std::string order_id, ticket_order_id;
    uint8_t tier = 0;
    bool sold = false, refunded = false;
  };
  struct Session {
    std::string id, code, name, performance_id, performance_name, hall;
    const District* district = nullptr;
    int64_t start_s = 0;
    std::vector<Tier> tiers;
    std::vector<Ticket> tickets;
    std::vector<double> sales_weight;   // by hour since the world's start, summing to 1
    bool first_of_performance = false;  // reports the performance itself
    bool checked = false;
  };
  struct Refund {
    int64_t when_s;
    std::string text;
  };

  void SendMasterData(Session& s, int64_t hour_s, Emitter& out);
  void SendInventory(Session& s, int64_t hour_s, Emitter& out);
  void SellHour(Session& s, int64_t hour_s, Emitter& out);
  void CheckSession(Session& s, Emitter& out);

  World world_;
  Rng rng_;
  RecordFiller filler_;
  std::vector<Session> sessions_;
  double seats_per_session_ = 200;
  int64_t next_order_ = 1;
  std::vector<Refund> refunds_;  // min-heap on when_s
  std::vector<Item> orders_, refund_items_, checks_;
  ingest::InterfaceId performance_id_, session_id_, inventory_id_, ticket_id_, order_id_, refund_id_,
      checking_id_;
};

}  // namespace civicflow::datagen
