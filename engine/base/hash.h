#pragma once
// Fast non-cryptographic 64-bit hashing for partition keys, dedup keys and
// content fingerprints. Stable across runs and machines (no random seed), so
// routing and dedup decisions are reproducible.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace civicflow {

constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t HashBytes(const void* data, size_t n, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix64(h ^ w) * 0x9e3779b97f4a7c15ULL;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix64(h ^ tail ^ (n << 56));
}

inline uint64_t HashCombine(uint64_t h, uint64_t v) {
  return Mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6)));
}

// Maps a 64-bit hash uniformly onto [0, n) without a division (Lemire).
inline uint32_t ScaleToRange(uint64_t h, uint32_t n) {
  __extension__ using Wide = unsigned __int128;
  return static_cast<uint32_t>((static_cast<Wide>(h) * n) >> 64);
}

inline uint64_t HashText(std::string_view s, uint64_t seed = 0) {
  return HashBytes(s.data(), s.size(), seed);
}

}  // namespace civicflow
