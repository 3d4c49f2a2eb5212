#include "operators/ticket_sessions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "operators/deduplicator.h"
#include "operators/tables.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using testing::RecordSet;

// One ticket_sessions row, parsed.
struct Row {
  std::string session, hour;
  int64_t sold, refunded, revenue_fen, refund_fen, checked_in, repeat_checks, inventory;
  bool operator==(const Row&) const = default;
  auto operator<=>(const Row&) const = default;
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << "{" << r.session << ", " << r.hour << ", sold " << r.sold << ", refunded " << r.refunded
      << ", revenue " << r.revenue_fen << ", refund " << r.refund_fen << ", checked " << r.checked_in
      << ", repeat " << r.repeat_checks << ", inventory " << r.inventory << "}";
}

constexpr std::string_view kS1 = "440305001012026112001", kS2 = "440305001012026112002";

// One ticket of an order: ticketOrderId, sessionCode, ticketId, ticketOrderAmount.
struct Ticket {
  std::string_view id, session, ticket;
  int64_t amount;
};

std::string Order(std::string_view order_id, std::string_view time, std::vector<Ticket> tickets) {
  std::string list;
  int64_t total = 0;
  for (const Ticket& t : tickets) {
    if (!list.empty()) list += ",";
    list += std::string(R"({"ticketOrderId":")") + std::string(t.id) +
            R"(","performanceId":"PF1","sessionId":"SS1","sessionCode":")" + std::string(t.session) +
            R"(","priceId":"PR380","ticketPrice":38000,"ticketId":")" + std::string(t.ticket) +
            R"(","ticketOrderAmount":)" + std::to_string(t.amount) + "}";
    total += t.amount;
  }
  return std::string(R"({"orderId":")") + std::string(order_id) + R"(","orderTime":")" + std::string(time) +
         R"(","channelType":1,"channelName":"app","ticketNum":)" + std::to_string(tickets.size()) +
         R"(,"totalAmount":)" + std::to_string(total) +
         R"(,"ticketType":1,"ticketMode":2,"authMode":3,"ticketOrderList":[)" + list + "]}";
}

std::string Refund(std::string_view refund_id, std::string_view time, std::vector<Ticket> tickets) {
  std::string list;
  for (const Ticket& t : tickets) {
    if (!list.empty()) list += ",";
    list += std::string(R"({"ticketOrderId":")") + std::string(t.id) + R"(","sessionCode":")" +
            std::string(t.session) + R"(","ticketId":")" + std::string(t.ticket) + R"(","refundAmount":)" +
            std::to_string(t.amount) + "}";
  }
  return std::string(R"({"refundOrderId":")") + std::string(refund_id) +
         R"(","orderId":"OD1","refundOrderTime":")" + std::string(time) + R"(","ticketOrderList":[)" + list +
         "]}";
}

std::string Check(std::string_view session, std::string_view ticket, std::string_view time,
                  int checking_type = 1) {
  return std::string(R"({"ticketList":[{"ticketId":")") + std::string(ticket) +
         R"(","sessionId":"SS1","priceId":"PR380","sessionCode":")" + std::string(session) +
         R"(","checkingTime":")" + std::string(time) + R"(","checkingType":)" +
         std::to_string(checking_type) + R"(,"authType":1}]})";
}

std::string Inventory(std::string_view session, std::string_view price, int available, int unavailable) {
  return std::string(R"({"sessionCode":")") + std::string(session) +
         R"(","priceList":[{"performanceId":"PF1","sessionId":"SS1","priceId":")" + std::string(price) +
         R"(","priceName":"tier","ticketPrice":38000,"availableInventory":)" + std::to_string(available) +
         R"(,"unavailableInventory":)" + std::to_string(unavailable) + "}]}";
}

LocalTime At(std::string_view time) { return *ParseDateTime(time); }
int64_t Ms(std::string_view time) { return At(time).ToEpochMillis(); }

class TicketSessionsTest : public ::testing::Test {
 protected:
  // Rows emitted so far, sorted (rows within one emission have no order).
  std::vector<Row> Rows() const {
    std::vector<Row> out;
    for (const auto& r : capture.rows) {
      EXPECT_EQ(r.size(), 9u);
      out.push_back({r[0], r[1], std::stoll(r[2]), std::stoll(r[3]), std::stoll(r[4]), std::stoll(r[5]),
                     std::stoll(r[6]), std::stoll(r[7]), std::stoll(r[8])});
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Feeds what `in` holds and clears it.
  void Feed(Operator& op) {
    op.OnBatch(in.Pointers());
    in.Clear();
  }
  // A Deduplicator in front of a TicketSessions, as the shard pipeline builds it.
  std::unique_ptr<Deduplicator> Pipeline(TicketSessions** out) {
    auto op = std::make_unique<TicketSessions>(capture);
    *out = op.get();
    std::vector<std::unique_ptr<Operator>> downstream;
    downstream.push_back(std::move(op));
    return std::make_unique<Deduplicator>(DedupOptions{}, std::move(downstream));
  }

  testing::TableCapture capture;
  TicketSessions tickets{capture};
  RecordSet in;
};

TEST_F(TicketSessionsTest, EachOrderElementIsOneTicketSoldInTheHourOfOrderTime) {
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 18:05:00",
               {{"OD1-1", kS1, "TK1", 38000}, {"OD1-2", kS1, "TK2", 18000}, {"OD1-3", kS2, "TK3", 58000}}))
      .Add(Platform::kTicketing, "report/order",
           Order("OD2", "2026-11-20 18:59:59", {{"OD2-1", kS1, "TK4", 38000}}))
      .Add(Platform::kTicketing, "report/order",
           Order("OD3", "2026-11-20 19:00:00", {{"OD3-1", kS1, "TK5", 18000}}));
  Feed(tickets);
  tickets.OnWatermark(At("2026-11-20 18:59:59"));
  EXPECT_TRUE(capture.rows.empty()) << "the 18:00 hour has not ended";
  tickets.OnWatermark(At("2026-11-20 19:00:00"));
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 3, 0, 94000, 0, 0, 0, 0},
                                      {std::string(kS2), "2026-11-20 18:00:00", 1, 0, 58000, 0, 0, 0, 0}}));
  EXPECT_EQ(tickets.open_windows(), 1u);
  tickets.Flush();
  ASSERT_EQ(Rows().size(), 3u);
  EXPECT_EQ(Rows()[1], (Row{std::string(kS1), "2026-11-20 19:00:00", 1, 0, 18000, 0, 0, 0, 0}));
  EXPECT_EQ(tickets.late_rows(), 0u);
}

TEST_F(TicketSessionsTest, EachRefundElementIsOneTicketRefundedInTheHourOfRefundTime) {
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 18:05:00", {{"OD1-1", kS1, "TK1", 38000}}))
      .Add(
          Platform::kTicketing, "report/refundOrder",
          Refund("RF1", "2026-11-20 20:10:00", {{"OD1-1", kS1, "TK1", 38000}, {"OD1-2", kS1, "TK2", 17500}}));
  Feed(tickets);
  tickets.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 20:00:00", 0, 2, 0, 55500, 0, 0, 0}}));
}

TEST_F(TicketSessionsTest, TheFirstCheckOfATicketInItsSessionChecksInLaterOnesRepeat) {
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00"))
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK2", "2026-11-20 18:45:00"))
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:50:00"))  // repeat
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 19:10:00"))  // repeat
      .Add(Platform::kTicketing, "report/checking",
           Check(kS2, "TK1", "2026-11-20 19:20:00"));  // same ticketId, another session: first
  Feed(tickets);
  tickets.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 2, 1, 0},
                                      {std::string(kS1), "2026-11-20 19:00:00", 0, 0, 0, 0, 0, 1, 0},
                                      {std::string(kS2), "2026-11-20 19:00:00", 0, 0, 0, 0, 1, 0, 0}}));
  EXPECT_EQ(tickets.checked_tickets(), 3u);
}

TEST_F(TicketSessionsTest, FirstMeansFirstToArriveEvenWithAnEarlierCheckingTime) {
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 19:10:00"))
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:50:00"));
  Feed(tickets);
  tickets.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 0, 1, 0},
                                      {std::string(kS1), "2026-11-20 19:00:00", 0, 0, 0, 0, 1, 0, 0}}));
}

TEST_F(TicketSessionsTest, ADuplicateCheckNeverReachesTheOperator) {
  TicketSessions* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00"))
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00"));
  Feed(*pipeline);
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00"));  // resent later
  Feed(*pipeline);
  pipeline->Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 1, 0, 0}}))
      << "a duplicate is not a repeat check";
  const auto* spec = ingest::Registry::Get().Find(Platform::kTicketing, "report/checking");
  EXPECT_EQ(pipeline->duplicates()[ingest::Registry::Get().IdOf(*spec)], 2u);
}

TEST_F(TicketSessionsTest, ACorrectedCheckChangesNoCount) {
  TicketSessions* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00", 1));
  Feed(*pipeline);
  pipeline->OnWatermark(At("2026-11-20 19:00:00"));
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:40:00", 2));
  Feed(*pipeline);
  pipeline->Flush();
  const auto* spec = ingest::Registry::Get().Find(Platform::kTicketing, "report/checking");
  EXPECT_EQ(pipeline->corrections()[ingest::Registry::Get().IdOf(*spec)], 1u);
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 1, 0, 0}}));
  EXPECT_EQ(op->late_rows(), 0u);
}

TEST_F(TicketSessionsTest, InventoryAddsTheChangeOfEachPriceTiersLatestTotal) {
  in.Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 420, 80),
         Ms("2026-11-20 18:10:00"))
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 400, 80),
           Ms("2026-11-20 18:40:00"))
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 410, 80),
           Ms("2026-11-20 19:20:00"))
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR180", 100, 0),
           Ms("2026-11-20 19:30:00"))
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 250, 50),
           Ms("2026-11-20 20:05:00"))
      // Unchanged: adds nothing, so the hour has no row.
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 250, 50),
           Ms("2026-11-20 21:05:00"));
  Feed(tickets);
  tickets.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 0, 0, 480},
                                      {std::string(kS1), "2026-11-20 19:00:00", 0, 0, 0, 0, 0, 0, 110},
                                      {std::string(kS1), "2026-11-20 20:00:00", 0, 0, 0, 0, 0, 0, -190}}));
  int64_t sum = 0;
  for (const Row& r : Rows()) sum += r.inventory;
  EXPECT_EQ(sum, 300 + 100) << "the SUM is the latest total of every tier";
}

TEST_F(TicketSessionsTest, AnInventorySnapshotOlderThanTheTiersLastIsIgnored) {
  in.Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 420, 80),
         Ms("2026-11-20 18:40:00"))
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS1, "PR380", 300, 80),
           Ms("2026-11-20 18:10:00"))
      // Same tier code in another session is another tier.
      .Add(Platform::kTicketing, "report/inventory", Inventory(kS2, "PR380", 90, 10),
           Ms("2026-11-20 18:05:00"));
  Feed(tickets);
  tickets.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, 0, 0, 0, 0, 500},
                                      {std::string(kS2), "2026-11-20 18:00:00", 0, 0, 0, 0, 0, 0, 100}}));
  EXPECT_EQ(tickets.stale_inventory(), 1u);
}

TEST_F(TicketSessionsTest, AnOrderCorrectionRetractsWhatItsKeyAddedAndAddsTheNewValues) {
  TicketSessions* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 18:05:00", {{"OD1-1", kS1, "TK1", 38000}}));
  Feed(*pipeline);
  pipeline->OnWatermark(At("2026-11-20 19:00:00"));
  ASSERT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 0, 0, 0}}));

  // Same orderId + ticketOrderId, another amount: a further row for the emitted hour.
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 18:05:00", {{"OD1-1", kS1, "TK1", 30000}}));
  Feed(*pipeline);
  pipeline->OnWatermark(At("2026-11-20 19:00:00"));
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 0, -8000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 0, 0, 0}}));
  EXPECT_EQ(op->late_rows(), 1u);

  // Corrected again into another hour: retracted from 18:00, added to 19:00.
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 19:10:00", {{"OD1-1", kS1, "TK1", 30000}}));
  Feed(*pipeline);
  pipeline->Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", -1, 0, -30000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 18:00:00", 0, 0, -8000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 19:00:00", 1, 0, 30000, 0, 0, 0, 0}}));
}

TEST_F(TicketSessionsTest, ARefundCorrectionRetractsWhatItsKeyAddedAndAddsTheNewValues) {
  TicketSessions* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kTicketing, "report/refundOrder",
         Refund("RF1", "2026-11-20 18:05:00", {{"OD1-1", kS1, "TK1", 38000}, {"OD1-2", kS1, "TK2", 38000}}));
  Feed(*pipeline);
  // Not yet emitted: the correction replaces the value inside the open window.
  in.Add(Platform::kTicketing, "report/refundOrder",
         Refund("RF1", "2026-11-20 18:05:00", {{"OD1-1", kS1, "TK1", 20000}, {"OD1-2", kS1, "TK2", 38000}}));
  Feed(*pipeline);
  pipeline->Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 0, 2, 0, 58000, 0, 0, 0}}));
  EXPECT_EQ(op->late_rows(), 0u);
}

TEST_F(TicketSessionsTest, RecordsForAnEmittedHourYieldFurtherAdditiveRows) {
  in.Add(Platform::kTicketing, "report/order",
         Order("OD1", "2026-11-20 18:10:00", {{"OD1-1", kS1, "TK1", 38000}}));
  Feed(tickets);
  tickets.OnWatermark(At("2026-11-20 20:00:00"));
  in.Add(Platform::kTicketing, "report/order",
         Order("OD2", "2026-11-20 18:20:00", {{"OD2-1", kS1, "TK2", 38000}}))
      .Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 18:55:00"));
  Feed(tickets);
  EXPECT_EQ(Rows().size(), 1u) << "late rows wait for the next watermark";
  tickets.OnWatermark(At("2026-11-20 20:30:00"));
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 0, 0, 0},
                                      {std::string(kS1), "2026-11-20 18:00:00", 1, 0, 38000, 0, 1, 0, 0}}));
  EXPECT_EQ(tickets.late_rows(), 1u);
  EXPECT_EQ(tickets.open_windows(), 0u);
}

TEST_F(TicketSessionsTest, CheckedTicketsAreForgottenPastTheHorizon) {
  TicketSessions op(capture, /*horizon_s=*/2 * 3600);
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 10:00:00"));
  Feed(op);
  op.OnWatermark(At("2026-11-20 17:00:00"));  // keeps 15:00 onwards
  EXPECT_EQ(op.checked_tickets(), 0u);
  in.Add(Platform::kTicketing, "report/checking", Check(kS1, "TK1", "2026-11-20 17:30:00"));
  Feed(op);
  op.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{std::string(kS1), "2026-11-20 10:00:00", 0, 0, 0, 0, 1, 0, 0},
                                      {std::string(kS1), "2026-11-20 17:00:00", 0, 0, 0, 0, 1, 0, 0}}));
}

TEST_F(TicketSessionsTest, IgnoresOtherInterfaces) {
  in.Add(Platform::kParking, "enterRecord", testing::EnterRecord(0xa, "粤B12345", "2026-11-20 18:00:00"));
  Feed(tickets);
  tickets.Flush();
  EXPECT_TRUE(capture.rows.empty());
}

TEST(TicketSessionsColumns, RowsFollowTheTableSchema) {
  EXPECT_EQ(Schema(Table::kTicketSessions).columns.size(), 9u);
  testing::TableCapture sink;
  EXPECT_NO_THROW(TicketSessions{sink});
}

}  // namespace
}  // namespace civicflow::operators
