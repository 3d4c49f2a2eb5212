#pragma once
// TableLayout: what a sink needs to know about an output table, as views
// (the owner of the strings outlives every use; operators/tables.cc keeps
// them in static storage). storage/ does not depend on operators/, so the
// caller converts its schemas into these.
#include <span>
#include <string_view>

namespace civicflow::storage {

struct TableLayout {
  std::string_view name;
  std::span<const std::string_view> columns;  // in row order
  // The grouping columns; every other column is summed. Empty: the table is
  // not additive (each row is a fact of its own).
  std::span<const std::string_view> key;
};

}  // namespace civicflow::storage
