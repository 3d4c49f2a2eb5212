#include "operators/tables.h"

namespace civicflow::operators {
namespace {

using C = std::string_view;
constexpr storage::ColumnType T = storage::ColumnType::kText, I = storage::ColumnType::kInt,
                              D = storage::ColumnType::kDecimal, B = storage::ColumnType::kBool,
                              Day = storage::ColumnType::kDate, Ts = storage::ColumnType::kTimestamp;

constexpr C kFlowColumns[] = {"platform", "site_id", "hour_start", "source", "entries"};
constexpr C kFlowKey[] = {"platform", "site_id", "hour_start", "source"};
constexpr storage::ColumnType kFlowTypes[] = {T, T, Ts, T, I};

constexpr C kEnergyHourlyColumns[] = {"venue_id",   "province_id", "city_id",    "district_id",
                                      "hour_start", "kind",        "consumption"};
constexpr C kEnergyHourlyKey[] = {"venue_id", "province_id", "city_id", "district_id", "hour_start", "kind"};
constexpr storage::ColumnType kEnergyHourlyTypes[] = {T, T, T, T, Ts, T, D};

constexpr C kEnergyDailyColumns[] = {"level", "region_code", "date", "kind", "consumption"};
constexpr C kEnergyDailyKey[] = {"level", "region_code", "date", "kind"};
constexpr storage::ColumnType kEnergyDailyTypes[] = {T, T, Day, T, D};

// One row per reconciled plate list; not additive (a snapshot per list).
constexpr C kReconciliationColumns[] = {"park_code",     "list_time",     "listed",
                                        "tracked",       "missing_enter", "missing_exit",
                                        "reported_used", "deviation",     "baseline"};
constexpr storage::ColumnType kReconciliationTypes[] = {T, Ts, I, I, I, I, I, I, B};

// One row per problem found; not additive (a fact per list and plate).
constexpr C kProblemPlateColumns[] = {"park_code", "date", "plate_no", "problem", "list_time"};
constexpr storage::ColumnType kProblemPlateTypes[] = {T, Day, T, T, Ts};

// One row per status transition.
constexpr C kSiteStatusColumns[] = {"platform", "site_id", "device_id", "status", "since", "previous_status"};
constexpr storage::ColumnType kSiteStatusTypes[] = {T, T, T, T, Ts, T};

constexpr C kTicketColumns[] = {"session_code", "hour_start", "sold",          "refunded", "revenue_fen",
                                "refund_fen",   "checked_in", "repeat_checks", "inventory"};
constexpr C kTicketKey[] = {"session_code", "hour_start"};
constexpr storage::ColumnType kTicketTypes[] = {T, Ts, I, I, I, I, I, I, I};

constexpr C kCommunityColumns[] = {"area_no",      "entrance",     "hour_start",          "person_pass",
                                   "vehicle_pass", "face_capture", "vehicle_unregistered"};
constexpr C kCommunityKey[] = {"area_no", "entrance", "hour_start"};
constexpr storage::ColumnType kCommunityTypes[] = {T, T, Ts, I, I, I, I};

constexpr TableSchema kSchemas[kTableCount] = {
    {"flow_hourly", kFlowColumns, kFlowKey, kFlowTypes},
    {"energy_hourly", kEnergyHourlyColumns, kEnergyHourlyKey, kEnergyHourlyTypes},
    {"energy_daily", kEnergyDailyColumns, kEnergyDailyKey, kEnergyDailyTypes},
    {"parking_reconciliation", kReconciliationColumns, {}, kReconciliationTypes},
    {"parking_problem_plates", kProblemPlateColumns, {}, kProblemPlateTypes},
    {"site_status", kSiteStatusColumns, {}, kSiteStatusTypes},
    {"ticket_sessions", kTicketColumns, kTicketKey, kTicketTypes},
    {"community_passages", kCommunityColumns, kCommunityKey, kCommunityTypes},
};

static_assert(std::size(kFlowTypes) == std::size(kFlowColumns) &&
              std::size(kEnergyHourlyTypes) == std::size(kEnergyHourlyColumns) &&
              std::size(kEnergyDailyTypes) == std::size(kEnergyDailyColumns) &&
              std::size(kReconciliationTypes) == std::size(kReconciliationColumns) &&
              std::size(kProblemPlateTypes) == std::size(kProblemPlateColumns) &&
              std::size(kSiteStatusTypes) == std::size(kSiteStatusColumns) &&
              std::size(kTicketTypes) == std::size(kTicketColumns) &&
              std::size(kCommunityTypes) == std::size(kCommunityColumns));

}  // namespace

const TableSchema& Schema(Table table) { return kSchemas[static_cast<size_t>(table)]; }

}  // namespace civicflow::operators
