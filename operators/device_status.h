#pragma once
// DeviceStatus: the community-device rows of site_status — one row each time
// a device's reported status (stk/sbzt: online when isOnLine is "1", else
// offline) differs from its last one (operators/README.md).
//
// Reports have no time of their own (their time is the request time, not an
// event time: it must not move the watermark, see stk/sbzt's registry row) and are
// applied on arrival, in arrival order: waiting for the watermark would make
// the rows depend on where batches end, which differs between a replay,
// `serve` and any shard count. A shard sees a device's reports in arrival
// order (stk/sbzt is partitioned by areaNo), so the rows depend on the input
// alone. A report older than the device's last applied one is stale: counted,
// not applied, so a delayed report never turns the status back. A correction
// is a report of its time again.
//
// Owns, per shard: the last status and its time per (areaNo, deviceID),
// 16 bytes plus the interned codes per device, never forgotten. Touched by
// the shard's owner thread only; allocates only for a new device.
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
  void OnWatermark(LocalTime) override {}  // nothing waits for it
  void Flush() override {}                 // nothing is held back
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  size_t devices() const { return devices_.size(); }
  uint64_t stale_reports() const { return stale_reports_; }  // older than the device's last applied report

 private:
  enum Status : int8_t { kUnknown = -1, kOffline = 0, kOnline = 1 };
  struct Device {
    uint32_t area, code;  // interned
    int64_t since = 0;    // time of the last applied report
    Status status = kUnknown;
  };

  void Apply(const ingest::Record& r);

  TableSink& sink_;
  ingest::InterfaceId interface_ = 0;
  int area_ = -1, device_ = -1, online_ = -1;  // flat field indexes
  TextInterner areas_, codes_;
  std::unordered_map<uint64_t, uint32_t> device_index_;  // area << 32 | code → devices_
  std::vector<Device> devices_;
  uint64_t stale_reports_ = 0;
  RowBuilder row_;
};

}  // namespace civicflow::operators
