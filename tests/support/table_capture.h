#pragma once
// Test helper: a TableSink that keeps rows as vectors of strings.
#include <string>
#include <vector>

#include "engine/base/table_sink.h"

namespace civicflow::testing {

class TableCapture final : public TableSink {
 public:
  void Row(std::span<const std::string_view> cells) override {
    rows.emplace_back(cells.begin(), cells.end());
  }
  std::vector<std::vector<std::string>> rows;
};

}  // namespace civicflow::testing
