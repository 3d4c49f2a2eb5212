#pragma once
// CRC-32C (Castagnoli), the checksum of WAL frames: SSE4.2 when the CPU has
// it, a table otherwise. Extend(0, data) is the CRC of `data`.
#include <cstdint>
#include <string_view>

namespace civicflow::storage {

uint32_t Crc32cExtend(uint32_t crc, std::string_view data);
inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace civicflow::storage
