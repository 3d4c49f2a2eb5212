#include "storage/wal/wal_format.h"

#include <cstdio>
#include <cstring>

#include "storage/wal/crc32c.h"

namespace civicflow::storage {

void AppendFrame(FrameType type, std::string_view payload, std::string& out) {
  char header[kFrameHeaderBytes];
  const auto length = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) header[i] = static_cast<char>(length >> (8 * i));
  header[8] = static_cast<char>(type);
  uint32_t crc = Crc32cExtend(0, std::string_view(header, 4));
  crc = Crc32cExtend(crc, std::string_view(header + 8, 1));
  crc = Crc32cExtend(crc, payload);
  for (int i = 0; i < 4; ++i) header[4 + i] = static_cast<char>(crc >> (8 * i));
  out.append(header, kFrameHeaderBytes);
  out.append(payload);
}

std::string WalFileName(WalPosition start) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.wal", static_cast<unsigned long long>(start.bytes));
  return name;
}

}  // namespace civicflow::storage
