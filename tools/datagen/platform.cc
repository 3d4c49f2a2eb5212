#include "tools/datagen/platform.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/base/local_time.h"

namespace civicflow::datagen {
namespace {

constexpr District kDistricts[] = {
    {440303, "罗湖区", "深圳市", 22.5482, 114.1315}, {440304, "福田区", "深圳市", 22.5410, 114.0550},
    {440305, "南山区", "深圳市", 22.5312, 113.9304}, {440306, "宝安区", "深圳市", 22.5553, 113.8830},
    {440307, "龙岗区", "深圳市", 22.7210, 114.2470}, {440308, "盐田区", "深圳市", 22.5576, 114.2368},
    {440309, "龙华区", "深圳市", 22.6969, 114.0451}, {440310, "坪山区", "深圳市", 22.7083, 114.3460},
    {440311, "光明区", "深圳市", 22.7488, 113.9359}, {440103, "荔湾区", "广州市", 23.1259, 113.2442},
    {440104, "越秀区", "广州市", 23.1289, 113.2668}, {440106, "天河区", "广州市", 23.1247, 113.3612},
    {110101, "东城区", "北京市", 39.9175, 116.4164}, {110102, "西城区", "北京市", 39.9123, 116.3660},
    {110105, "朝阳区", "北京市", 39.9215, 116.4434}, {110108, "海淀区", "北京市", 39.9593, 116.2981},
};

}  // namespace

ingest::InterfaceId InterfaceIdOf(ingest::Platform platform, std::string_view name) {
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(platform, name);
  if (!spec) {
    std::fprintf(stderr, "civicflow-datagen: interface %.*s is not registered\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return ingest::Registry::Get().IdOf(*spec);
}

std::span<const District> ShenzhenDistricts() { return std::span(kDistricts, 9); }
std::span<const District> AllDistricts() { return kDistricts; }

void SendObject(Emitter& out, ingest::InterfaceId iface, int64_t send_s, std::string object, Rng& rng,
                bool array_body) {
  SendObjectAt(out, iface, LocalTime{send_s}.ToEpochMillis() + static_cast<int64_t>(rng.Below(1000)),
               std::move(object), array_body);
}

void SendObjectAt(Emitter& out, ingest::InterfaceId iface, int64_t send_ms, std::string object,
                  bool array_body) {
  Request r;
  r.iface = iface;
  r.send_ms = send_ms;
  r.ts_ms = r.send_ms;
  r.array_body = array_body;
  r.objects.push_back(std::move(object));
  out.Submit(std::move(r));
}

void HourOffsets(Rng& rng, uint32_t count, std::vector<int64_t>& out) {
  out.clear();
  for (uint32_t i = 0; i < count; ++i) out.push_back(static_cast<int64_t>(rng.Below(3600)));
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i) out[i] = std::max(out[i], out[i - 1] + 1);
}

}  // namespace civicflow::datagen
