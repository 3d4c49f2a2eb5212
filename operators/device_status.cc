#include "operators/device_status.h"

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

void DeviceStatus::Apply(const ingest::Record& r) {
  const std::string_view area = r[area_].AsText(), code = r[device_].AsText();
  if (area.empty() || code.empty() || r.event_time == LocalTime::Min()) return;
  const uint32_t area_index = areas_.Intern(area), code_index = codes_.Intern(code);
  const auto [it, inserted] = device_index_.try_emplace(static_cast<uint64_t>(area_index) << 32 | code_index,
                                                        static_cast<uint32_t>(devices_.size()));
  if (inserted) devices_.push_back({area_index, code_index});
  Device& device = devices_[it->second];
  const int64_t time = r.event_time.seconds;
  if (device.status != kUnknown && time < device.since) {
    ++stale_reports_;
    return;
  }
  const Status status = r[online_].AsText() == "1" ? kOnline : kOffline;
  device.since = time;
  if (device.status == status) return;
  row_.Clear()
      .Text(ingest::PlatformName(ingest::Platform::kCommunity))
      .Text(areas_.Name(device.area))
      .Text(codes_.Name(device.code))
      .Text(StatusName(status))
      .Time(r.event_time)
      .Text(StatusName(device.status))
      .EmitTo(sink_);
  device.status = status;
}

void DeviceStatus::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records)
    if (r->interface == interface_) Apply(*r);
}

// A corrected report says what the device reported at that time: applied like a new report of
// its time (a row if it changes the status, stale if the device has reported since).
void DeviceStatus::OnCorrection(const ingest::Record& r) {
  if (r.interface == interface_) Apply(r);
}

}  // namespace civicflow::operators
