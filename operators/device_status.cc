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
  if (area.empty() || code.empty()) return;
  const uint32_t area_index = areas_.Intern(area), code_index = codes_.Intern(code);
  const auto [it, inserted] = device_index_.try_emplace(static_cast<uint64_t>(area_index) << 32 | code_index,
                                                        static_cast<uint32_t>(devices_.size()));
  if (inserted) devices_.push_back({area_index, code_index});
  Device& device = devices_[it->second];
  const LocalTime reported = LocalTime::FromEpochMillis(r.request_ts_ms);  // it has no time of its own
  const int64_t time = reported.seconds;
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
      .Time(reported)
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

void DeviceStatus::SaveState(StateWriter& out) const {
  out.Section("DeviceStatus");
  areas_.SaveState(out);  // the interners first: devices hold their indexes
  codes_.SaveState(out);
  out.PutCount(devices_.size());
  for (const Device& d : devices_) {
    out.Put(d.area);
    out.Put(d.code);
    out.Put(d.since);
    out.Put(static_cast<int8_t>(d.status));
  }
  out.Put(stale_reports_);
}

void DeviceStatus::LoadState(StateReader& in) {
  in.Section("DeviceStatus");
  areas_.LoadState(in);
  codes_.LoadState(in);
  constexpr size_t kDeviceBytes = 2 * sizeof(uint32_t) + sizeof(int64_t) + sizeof(int8_t);
  const uint64_t n = in.GetCount(kDeviceBytes);
  devices_.reserve(n);
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    Device d;
    d.area = in.Get<uint32_t>();
    d.code = in.Get<uint32_t>();
    d.since = in.Get<int64_t>();
    const auto status = in.Get<int8_t>();
    if (d.area >= areas_.size() || d.code >= codes_.size())
      return in.Fail("DeviceStatus: a code out of range");
    if (status < kUnknown || status > kOnline) return in.Fail("DeviceStatus: an unknown status");
    d.status = static_cast<Status>(status);
    // The index is derived: rebuilt, never stored.
    if (!device_index_
             .try_emplace(static_cast<uint64_t>(d.area) << 32 | d.code,
                          static_cast<uint32_t>(devices_.size()))
             .second)
      return in.Fail("DeviceStatus: a device twice");
    devices_.push_back(d);
  }
  stale_reports_ = in.Get<uint64_t>();
}

}  // namespace civicflow::operators
