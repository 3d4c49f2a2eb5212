#pragma once
// ReplenishSource: what answers replenishCarInfo for the parking adapter —
// the reconciliation's problem plates, live (operators::LiveProblemPlates).
// An interface so that the HTTP layer does not depend on the operators.
// Implementations are thread-safe: every I/O thread asks.
#include <cstdint>
#include <string>
#include <string_view>

namespace civicflow::ingest::parking {

struct ReplenishAnswer {
  int code = 0;       // appendix A: 0, 4 or 1107
  std::string reply;  // the whole reply body (reply.h format, table 26 data)
};

class ReplenishSource {
 public:
  virtual ~ReplenishSource() = default;
  // One page of the plates of `park_code` on `date` (yyyy-MM-dd) whose records are faulty.
  virtual ReplenishAnswer Answer(std::string_view park_code, std::string_view date, int64_t current_page,
                                 int64_t page_size, int64_t timestamp_ms) const = 0;
};

}  // namespace civicflow::ingest::parking
