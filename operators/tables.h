#pragma once
// The output tables of PLATFORMS.md ("What civicflow computes"), their
// columns in order, in one place. Aggregate tables are additive: the value
// for a key is the SUM of its rows (late data and corrections add rows,
// negative ones for retractions).
#include <array>
#include <span>
#include <string_view>

#include "storage/table_layout.h"

namespace civicflow::operators {

// Name, columns, key (the grouping columns; the rest are summed; empty: not
// additive) and column types.
using TableSchema = storage::TableLayout;

enum class Table : uint8_t {
  kFlowHourly,
  kEnergyHourly,
  kEnergyDaily,
  kParkingReconciliation,
  kParkingProblemPlates,
  kSiteStatus,
  kTicketSessions,
  kCommunityPassages,
};
inline constexpr size_t kTableCount = 8;

const TableSchema& Schema(Table table);

}  // namespace civicflow::operators
