#include "operators/tables.h"

namespace civicflow::operators {
namespace {

using C = std::string_view;

constexpr C kFlowColumns[] = {"platform", "site_id", "hour_start", "source", "entries"};
constexpr C kFlowKey[] = {"platform", "site_id", "hour_start", "source"};

constexpr C kEnergyHourlyColumns[] = {"venue_id",   "province_id", "city_id",    "district_id",
                                      "hour_start", "kind",        "consumption"};
constexpr C kEnergyHourlyKey[] = {"venue_id", "province_id", "city_id", "district_id", "hour_start", "kind"};

constexpr C kEnergyDailyColumns[] = {"level", "region_code", "date", "kind", "consumption"};
constexpr C kEnergyDailyKey[] = {"level", "region_code", "date", "kind"};

// One row per reconciled plate list; not additive (a snapshot per list).
constexpr C kReconciliationColumns[] = {"park_code",     "list_time",     "listed",
                                        "tracked",       "missing_enter", "missing_exit",
                                        "reported_used", "deviation",     "baseline"};

// One row per problem found; not additive (a fact per list and plate).
constexpr C kProblemPlateColumns[] = {"park_code", "date", "plate_no", "problem", "list_time"};

// One row per status transition.
constexpr C kSiteStatusColumns[] = {"platform", "site_id", "device_id", "status", "since", "previous_status"};

constexpr C kTicketColumns[] = {"session_code", "hour_start", "sold",          "refunded", "revenue_fen",
                                "refund_fen",   "checked_in", "repeat_checks", "inventory"};
constexpr C kTicketKey[] = {"session_code", "hour_start"};

constexpr C kCommunityColumns[] = {"area_no",      "entrance",     "hour_start",          "person_pass",
                                   "vehicle_pass", "face_capture", "vehicle_unregistered"};
constexpr C kCommunityKey[] = {"area_no", "entrance", "hour_start"};

constexpr TableSchema kSchemas[kTableCount] = {
    {"flow_hourly", kFlowColumns, kFlowKey},
    {"energy_hourly", kEnergyHourlyColumns, kEnergyHourlyKey},
    {"energy_daily", kEnergyDailyColumns, kEnergyDailyKey},
    {"parking_reconciliation", kReconciliationColumns, {}},
    {"parking_problem_plates", kProblemPlateColumns, {}},
    {"site_status", kSiteStatusColumns, {}},
    {"ticket_sessions", kTicketColumns, kTicketKey},
    {"community_passages", kCommunityColumns, kCommunityKey},
};

}  // namespace

const TableSchema& Schema(Table table) { return kSchemas[static_cast<size_t>(table)]; }

}  // namespace civicflow::operators
