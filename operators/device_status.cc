#include "operators/device_status.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "operators/registry_lookup.h"

namespace civicflow::operators {
namespace {

std::string_view StatusName(int8_t status) { return status == 1 ? "online" : status == 0 ? "offline" : ""; }

}  // namespace

DeviceStatus::DeviceStatus(TableSink& sink) : sink_(sink) {
  const ingest::InterfaceSpec& spec = InterfaceOrThrow(ingest::Platform::kCommunity, "stk/sbzt");
  interface_ = ingest::Registry::Get().IdOf(spec);
  area_ = FieldOrThrow(spec, "areaNo");
  device_ = FieldOrThrow(spec, "deviceID");
  online_ = FieldOrThrow(spec, "isOnLine");
}

void DeviceStatus::Enqueue(const ingest::Record& r) {
  const std::string_view area = r[area_].AsText(), code = r[device_].AsText();
  if (area.empty() || code.empty() || r.event_time == LocalTime::Min()) return;
  const uint32_t area_index = areas_.Intern(area), code_index = codes_.Intern(code);
  const auto [it, inserted] = device_index_.try_emplace(static_cast<uint64_t>(area_index) << 32 | code_index,
                                                        static_cast<uint32_t>(devices_.size()));
  if (inserted) devices_.push_back({area_index, code_index});
  const Status status = r[online_].AsText() == "1" ? kOnline : kOffline;
  if (!pending_.empty() && r.event_time.seconds < pending_.back().time) unsorted_ = true;
  pending_.push_back({r.event_time.seconds, arrivals_++, r.dedup_key, it->second, status});
}

void DeviceStatus::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records)
    if (r->interface == interface_) Enqueue(*r);
}

void DeviceStatus::OnCorrection(const ingest::Record& r) {
  if (r.interface != interface_) return;
  // Still waiting: the corrected status replaces the reported one in place. Already
  // applied: it is a report of that time again, applied like one (a row if it changes
  // the device's status, stale if the device has reported since).
  for (Report& p : pending_)
    if (p.dedup_key == r.dedup_key) {
      p.status = r[online_].AsText() == "1" ? kOnline : kOffline;
      return;
    }
  Enqueue(r);
}

void DeviceStatus::ApplyThrough(int64_t limit) {
  if (unsorted_) {
    std::sort(pending_.begin(), pending_.end(), [](const Report& a, const Report& b) {
      return a.time != b.time ? a.time < b.time : a.arrival < b.arrival;
    });
    unsorted_ = false;
  }
  size_t done = 0;
  for (; done < pending_.size() && pending_[done].time <= limit; ++done) {
    const Report& report = pending_[done];
    Device& device = devices_[report.device];
    if (device.status != kUnknown && report.time < device.since) {
      ++stale_reports_;
      continue;
    }
    device.since = report.time;
    if (device.status == report.status) continue;
    row_.Clear()
        .Text(ingest::PlatformName(ingest::Platform::kCommunity))
        .Text(areas_.Name(device.area))
        .Text(codes_.Name(device.code))
        .Text(StatusName(report.status))
        .Time(LocalTime{report.time})
        .Text(StatusName(device.status))
        .EmitTo(sink_);
    late_rows_ += report.time <= applied_through_;
    device.status = report.status;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
  applied_through_ = std::max(applied_through_, limit);
}

void DeviceStatus::OnWatermark(LocalTime watermark) { ApplyThrough(watermark.seconds); }

void DeviceStatus::Flush() { ApplyThrough(INT64_MAX); }

}  // namespace civicflow::operators
