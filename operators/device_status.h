#pragma once
// DeviceStatus: the community-device rows of site_status — one row each time
// a device's reported status (stk/sbzt: online when isOnLine is "1", else
// offline) differs from its last one (operators/README.md).
//
// Reports have no time of their own: their event time is the request time.
// They wait until the watermark reaches that time and are then applied in
// event-time order (ties: arrival order), so reports that overtake each
// other within the allowed lateness still yield the true sequence. A report
// arriving after the watermark passed its time is applied at the next
// watermark (late_rows counts the rows it yields); one older than the
// device's last applied report is stale and only counted.
//
// Owns, per shard (stk/sbzt is partitioned by areaNo): the last status and
// its time per (areaNo, deviceID), 16 bytes plus the interned codes per
// device, never forgotten; and the reports waiting for the watermark.
// Touched by the shard's owner thread only; allocates only for a new device
// or when the pending queue grows past its high-water mark.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

class DeviceStatus final : public Operator {
 public:
  // Throws std::logic_error if the registry lacks stk/sbzt or a field of it.
  explicit DeviceStatus(TableSink& sink);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;

  size_t pending() const { return pending_.size(); }
  size_t devices() const { return devices_.size(); }
  uint64_t late_rows() const override { return late_rows_; }  // rows for times the watermark had passed
  uint64_t stale_reports() const { return stale_reports_; }   // older than the device's last applied report

 private:
  enum Status : int8_t { kUnknown = -1, kOffline = 0, kOnline = 1 };
  struct Device {
    uint32_t area, code;  // interned
    int64_t since = 0;    // time of the last applied report
    Status status = kUnknown;
  };
  struct Report {
    int64_t time;
    uint64_t arrival;
    uint64_t dedup_key;
    uint32_t device;
    Status status;
  };

  void Enqueue(const ingest::Record& r);
  void ApplyThrough(int64_t limit);

  TableSink& sink_;
  ingest::InterfaceId interface_ = 0;
  int area_ = -1, device_ = -1, online_ = -1;  // flat field indexes
  TextInterner areas_, codes_;
  std::unordered_map<uint64_t, uint32_t> device_index_;  // area << 32 | code → devices_
  std::vector<Device> devices_;
  std::vector<Report> pending_;  // sorted by (time, arrival) when !unsorted_
  bool unsorted_ = false;
  uint64_t arrivals_ = 0;
  int64_t applied_through_ = INT64_MIN;  // reports at or before this time were applied
  uint64_t late_rows_ = 0, stale_reports_ = 0;
  RowBuilder row_;
};

}  // namespace civicflow::operators
