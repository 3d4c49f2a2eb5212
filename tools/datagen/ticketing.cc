#include "tools/datagen/ticketing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::Platform;

constexpr std::string_view kShows[] = {"天鹅湖",     "茶馆",     "雷雨",    "胡桃夹子",
                                       "交响音乐会", "相声专场", "音乐剧猫"};
constexpr std::string_view kTierNames[] = {"VIP票", "甲等票", "乙等票", "丙等票"};
constexpr int64_t kTierPrices[] = {128000, 88000, 58000, 28000};
constexpr double kTierShares[] = {0.10, 0.25, 0.35, 0.30};
constexpr std::string_view kChannels[] = {"大麦网", "猫眼演出", "票星球", "官方小程序"};
constexpr int64_t kSlots[] = {19 * kHourS + 1800, 14 * kHourS + 1800, 10 * kHourS + 1800, 20 * kHourS};
// A seat yields its ticket report, an order element, most of a check and a few refunds.
constexpr double kRecordsPerSeat = 2.65;

}  // namespace

TicketingGenerator::TicketingGenerator(const World& world, int sessions)
    : world_(world),
      rng_(world.seed, 0x71c7),
      filler_(rng_),
      performance_id_(InterfaceIdOf(Platform::kTicketing, "report/performance/update")),
      session_id_(InterfaceIdOf(Platform::kTicketing, "report/session/update")),
      inventory_id_(InterfaceIdOf(Platform::kTicketing, "report/inventory")),
      ticket_id_(InterfaceIdOf(Platform::kTicketing, "report/ticket")),
      order_id_(InterfaceIdOf(Platform::kTicketing, "report/order")),
      refund_id_(InterfaceIdOf(Platform::kTicketing, "report/refundOrder")),
      checking_id_(InterfaceIdOf(Platform::kTicketing, "report/checking")) {
  const auto districts = AllDistricts();
  const int performances = std::max(1, (sessions + 2) / 3);
  sessions_.resize(static_cast<size_t>(std::max(sessions, 0)));
  for (size_t i = 0; i < sessions_.size(); ++i) {
    Session& s = sessions_[i];
    const int performance = static_cast<int>(i) % performances;
    const int day = static_cast<int>(i) % world.days;
    s.start_s = world.start_s + day * kDayS + kSlots[i / world.days % std::size(kSlots)];
    s.district = &districts[(performance * 5) % districts.size()];
    s.performance_id = "PF2026" + std::to_string(100000 + performance);
    s.performance_name =
        std::string(kShows[performance % std::size(kShows)]) + (performance >= 7 ? "（加演）" : "");
    s.id = s.performance_id + "-S" + std::to_string(i + 1);
    s.first_of_performance = static_cast<int>(i) < performances;
    std::string date = DateTimeString(s.start_s);
    s.code = "SC" + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2) + date.substr(11, 2) +
             date.substr(14, 2) + std::to_string(1000 + i).substr(1);
    s.name = s.performance_name + " " + date.substr(5, 11);
    s.hall = std::to_string(s.district->code) + "001" + std::to_string(10 + performance % 90);
    const int tiers = static_cast<int>(rng_.Between(3, 4));
    for (int t = 0; t < tiers; ++t)
      s.tiers.push_back(Tier{"PR" + s.code.substr(2) + std::to_string(t + 1),
                             std::string(kTierNames[t]),
                             kTierPrices[t] * rng_.Between(8, 12) / 10,
                             {}});
  }
}

uint64_t TicketingGenerator::FixedRecords() const {
  uint64_t n = 0;
  for (const Session& s : sessions_) n += 1 + s.tiers.size() * (1 + 4 * world_.days);
  return n;
}

void TicketingGenerator::SetFlowBudget(uint64_t records) {
  if (sessions_.empty()) return;
  seats_per_session_ =
      std::clamp(static_cast<double>(records) / kRecordsPerSeat / sessions_.size(), 30.0, 60000.0);
  const int64_t hours = world_.days * 24;
  for (Session& s : sessions_) {
    const int seats = static_cast<int>(seats_per_session_ * rng_.Uniform(0.8, 1.2));
    double share_total = 0;
    for (size_t t = 0; t < s.tiers.size(); ++t) share_total += kTierShares[t];
    for (int k = 0; k < seats; ++k) {
      double x = rng_.Unit() * share_total;
      size_t tier = 0;
      while (tier + 1 < s.tiers.size() && x >= kTierShares[tier]) x -= kTierShares[tier++];
      char id[64];
      std::snprintf(id, sizeof id, "T%s%06d", s.code.c_str(), k + 1);
      s.tiers[tier].unsold.push_back(static_cast<uint32_t>(s.tickets.size()));
      s.tickets.push_back(Ticket{id, {}, {}, static_cast<uint8_t>(tier), false, false});
    }
    // Sales rise towards the session and sleep at night; they stop an hour before it.
    s.sales_weight.assign(static_cast<size_t>(hours), 0);
    const double span = static_cast<double>(s.start_s - kHourS - world_.start_s) / kHourS;
    double total = 0;
    for (int64_t h = 0; h < hours && h < span; ++h) {
      const int hod = static_cast<int>(h % 24);
      s.sales_weight[h] =
          (hod >= 8 ? 1.0 : 0.08) * std::exp(2.0 * static_cast<double>(h) / std::max(1.0, span));
      total += s.sales_weight[h];
    }
    for (double& w : s.sales_weight) w = total > 0 ? w / total : 0;
  }
}

void TicketingGenerator::SendMasterData(Session& s, int64_t hour_s, Emitter& out) {
  std::string text;
  if (s.first_of_performance) {
    JsonObject o(text);
    o.Str("performanceId", s.performance_id).Str("performanceName", s.performance_name);
    o.Str("performanceDesc", s.performance_name + "巡演").Int("typeId", rng_.Between(1, 8));
    o.Str("posterUrl", "https://img.piao.example/poster/" + s.performance_id + ".jpg")
        .Str("sponsor", "市演出有限公司");
    o.Str("performer", "国家大剧院演出团")
        .Str("approval", "文旅演〔2026〕" + std::to_string(rng_.Between(100, 999)) + "号");
    o.Close();
    SendObject(out, performance_id_, hour_s, std::move(text), rng_);
  }
  text.clear();
  {
    JsonObject o(text);
    o.Str("sessionId", s.id).Str("sessionCode", s.code).Str("sessionName", s.name);
    o.DateTime("sessionStartTime", s.start_s).DateTime("sessionEndTime", s.start_s + 2 * kHourS + 1800);
    o.Str("hallCode", s.hall)
        .Int("hasSeat", 1)
        .Str("performanceId", s.performance_id)
        .Int("sessionStatus", 1);
    o.Int("tag", 0);
  }
  SendObject(out, session_id_, hour_s, std::move(text), rng_);
  for (size_t t = 0; t < s.tiers.size(); ++t) {
    const Tier& tier = s.tiers[t];
    std::vector<uint32_t> ids = tier.unsold;
    std::sort(ids.begin(), ids.end());
    for (size_t begin = 0; begin < ids.size(); begin += 200) {
      text.clear();
      JsonObject o(text);
      o.Str("performanceId", s.performance_id)
          .Str("sessionId", s.id)
          .Str("sessionCode", s.code)
          .Str("priceId", tier.id);
      std::string& list = o.Begin("ticketList");
      list.push_back('[');
      for (size_t k = begin; k < std::min(ids.size(), begin + 200); ++k) {
        if (k > begin) list.push_back(',');
        const uint32_t n = ids[k];
        JsonObject e(list);
        e.Str("ticketId", s.tickets[n].id).Int("availableSale", 1).Str("floorName", t == 0 ? "1层" : "2层");
        e.Str("areaName", std::string(1, static_cast<char>('A' + t)) + "区");
        e.Str("rowName", std::to_string(n / 30 + 1) + "排").Str("seatNo", std::to_string(n % 30 + 1) + "号");
      }
      list.push_back(']');
      o.Close();
      SendObject(out, ticket_id_, hour_s, std::move(text), rng_);
    }
  }
}

void TicketingGenerator::SendInventory(Session& s, int64_t hour_s, Emitter& out) {
  std::string text;
  {
    JsonObject o(text);
    o.Str("sessionCode", s.code);
    std::string& list = o.Begin("priceList");
    list.push_back('[');
    for (size_t t = 0; t < s.tiers.size(); ++t) {
      if (t) list.push_back(',');
      const Tier& tier = s.tiers[t];
      int64_t sold = 0;
      for (const Ticket& ticket : s.tickets) sold += ticket.tier == t && ticket.sold;
      JsonObject e(list);
      e.Str("performanceId", s.performance_id).Str("sessionId", s.id).Str("priceId", tier.id);
      e.Str("priceName", tier.name).Int("ticketPrice", tier.price_fen);
      e.Int("availableInventory", static_cast<int64_t>(tier.unsold.size())).Int("unavailableInventory", sold);
    }
    list.push_back(']');
  }
  SendObject(out, inventory_id_, hour_s + rng_.Between(0, 600), std::move(text), rng_);
}

void TicketingGenerator::SellHour(Session& s, int64_t hour_s, Emitter& out) {
  const size_t h = static_cast<size_t>((hour_s - world_.start_s) / kHourS);
  if (h >= s.sales_weight.size() || s.sales_weight[h] <= 0) return;
  const double orders = 0.88 * static_cast<double>(s.tickets.size()) / 1.9 * s.sales_weight[h];
  const int64_t last_s = s.start_s - kHourS;
  for (uint32_t n = rng_.Poisson(orders); n > 0; --n) {
    const int64_t t = hour_s + rng_.Between(0, kHourS - 1);
    if (t >= last_s) continue;
    std::vector<double> available;
    for (const Tier& tier : s.tiers) available.push_back(static_cast<double>(tier.unsold.size()));
    if (std::all_of(available.begin(), available.end(), [](double a) { return a == 0; })) break;  // sold out
    Tier& tier = s.tiers[rng_.Weighted(available)];
    const double sizes[] = {0.35, 0.45, 0.12, 0.08};
    const size_t count = std::min(rng_.Weighted(sizes) + 1, tier.unsold.size());
    const std::string order = "TO" + std::to_string(202600000000 + next_order_++);
    std::vector<uint32_t> picked;
    for (size_t k = 0; k < count; ++k) {
      const size_t at = rng_.Below(tier.unsold.size());
      picked.push_back(tier.unsold[at]);
      tier.unsold[at] = tier.unsold.back();
      tier.unsold.pop_back();
    }
    Item item{t, t, {}};
    {
      JsonObject o(item.text);
      const int64_t channel = static_cast<int64_t>(rng_.Below(std::size(kChannels)));
      o.Str("orderId", order).DateTime("orderTime", t).Int("channelType", channel == 3 ? 1 : 2);
      o.Str("channelName", kChannels[channel]).Int("ticketNum", static_cast<int64_t>(count));
      o.Int("totalAmount", tier.price_fen * static_cast<int64_t>(count)).Int("ticketType", 1);
      o.Int("ticketMode", rng_.Chance(0.8) ? 1 : 2).Int("authMode", rng_.Between(1, 3));
      std::string& list = o.Begin("ticketOrderList");
      list.push_back('[');
      for (size_t k = 0; k < picked.size(); ++k) {
        Ticket& ticket = s.tickets[picked[k]];
        ticket.sold = true;
        ticket.order_id = order;
        ticket.ticket_order_id = order + "-" + std::to_string(k + 1);
        if (k) list.push_back(',');
        JsonObject e(list);
        e.Str("ticketOrderId", ticket.ticket_order_id)
            .Str("performanceId", s.performance_id)
            .Str("sessionId", s.id);
        e.Str("sessionCode", s.code).Str("priceId", tier.id).Int("ticketPrice", tier.price_fen);
        e.Str("ticketId", ticket.id).Int("ticketOrderAmount", tier.price_fen);
      }
      list.push_back(']');
    }
    orders_.push_back(std::move(item));

    const int64_t room = std::min<int64_t>(kDayS, s.start_s - 90 * 60 - t);
    if (room < 600 || !rng_.Chance(0.04)) continue;
    const int64_t when = t + rng_.Between(600, room);
    const size_t refunded = rng_.Chance(0.75) ? picked.size() : 1;
    Refund refund{when, {}};
    JsonObject o(refund.text);
    o.Str("refundOrderId", "RF" + order.substr(2)).Str("orderId", order).Str("reason", "行程变更");
    o.DateTime("refundOrderTime", when);
    std::string& list = o.Begin("ticketOrderList");
    list.push_back('[');
    for (size_t k = 0; k < refunded; ++k) {
      Ticket& ticket = s.tickets[picked[k]];
      ticket.refunded = true;
      if (k) list.push_back(',');
      JsonObject(list)
          .Str("ticketOrderId", ticket.ticket_order_id)
          .Str("sessionCode", s.code)
          .Str("ticketId", ticket.id)
          .Int("refundAmount", tier.price_fen * 95 / 100);
    }
    list.push_back(']');
    o.Close();
    refunds_.push_back(std::move(refund));
    std::push_heap(refunds_.begin(), refunds_.end(),
                   [](const Refund& a, const Refund& b) { return a.when_s > b.when_s; });
  }
  out.Stream(order_id_, orders_, StreamShape{});
}

void TicketingGenerator::CheckSession(Session& s, Emitter& out) {
  s.checked = true;
  const int64_t earliest = std::max(world_.start_s, s.start_s - kHourS);
  for (const Ticket& ticket : s.tickets) {
    if (!ticket.sold || ticket.refunded || !rng_.Chance(0.93)) continue;
    const int64_t offset = static_cast<int64_t>(std::clamp(rng_.Normal(-1200, 900), -3600.0, 2400.0));
    const int64_t first = std::max(earliest, s.start_s + offset);
    const int checks = rng_.Chance(0.03) ? 2 : 1;
    for (int c = 0; c < checks; ++c) {
      const int64_t when = first + c * rng_.Between(60, 600);
      Item item{when, when, {}};
      JsonObject e(item.text);
      e.Str("ticketId", ticket.id).Str("sessionId", s.id).Str("priceId", s.tiers[ticket.tier].id);
      e.Str("sessionCode", s.code).DateTime("checkingTime", when);
      const double types[] = {0.7, 0.2, 0.1};
      e.Int("checkingType", static_cast<int64_t>(rng_.Weighted(types)) + 1)
          .Int("authType", rng_.Chance(0.85) ? 1 : 2);
      e.Close();
      checks_.push_back(std::move(item));
    }
  }
  out.Stream(checking_id_, checks_,
             StreamShape{.shape = BodyShape::kList, .max_batch = 50, .list_prefix = "{\"ticketList\":["});
}

void TicketingGenerator::GenerateHour(int64_t hour_s, Emitter& out) {
  const bool inventory_hour = ((hour_s - world_.start_s) / kHourS) % 6 == 0;
  for (Session& s : sessions_) {
    if (hour_s == world_.start_s) SendMasterData(s, hour_s, out);
    SellHour(s, hour_s, out);
    if (inventory_hour && hour_s < s.start_s) SendInventory(s, hour_s, out);
    if (!s.checked && s.start_s - kHourS < hour_s + kHourS) CheckSession(s, out);
  }
  const auto later = [](const Refund& a, const Refund& b) { return a.when_s > b.when_s; };
  while (!refunds_.empty() && refunds_.front().when_s < hour_s + kHourS) {
    std::pop_heap(refunds_.begin(), refunds_.end(), later);
    refund_items_.push_back(
        Item{refunds_.back().when_s, refunds_.back().when_s, std::move(refunds_.back().text)});
    refunds_.pop_back();
  }
  out.Stream(refund_id_, refund_items_, StreamShape{});
}

}  // namespace civicflow::datagen
