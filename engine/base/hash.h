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

// 64×64→128-bit multiply, folded: the core of wyhash-style mixing.
inline uint64_t MulFold(uint64_t a, uint64_t b) {
  __extension__ using Wide = unsigned __int128;
  const Wide product = static_cast<Wide>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

// 16 bytes per step with one wide multiply; short inputs read without a loop.
inline uint64_t HashBytes(const void* data, size_t n, uint64_t seed) {
  constexpr uint64_t kP0 = 0xa0761d6478bd642fULL, kP1 = 0xe7037ed1a0b428dbULL, kP2 = 0x8ebc6af09c88c6e3ULL;
  const auto* p = static_cast<const unsigned char*>(data);
  auto read64 = [](const unsigned char* q) {
    uint64_t w;
    std::memcpy(&w, q, 8);
    return w;
  };
  uint64_t h = seed ^ kP0;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = read64(p);
      b = read64(p + n - 8);
    } else if (n >= 4) {
      uint32_t x, y;
      std::memcpy(&x, p, 4);
      std::memcpy(&y, p + n - 4, 4);
      a = x;
      b = y;
    } else if (n > 0) {
      a = (uint64_t{p[0]} << 16) | (uint64_t{p[n >> 1]} << 8) | p[n - 1];
    }
  } else {
    size_t i = n;
    while (i > 16) {
      h = MulFold(read64(p) ^ kP1, read64(p + 8) ^ h);
      p += 16;
      i -= 16;
    }
    a = read64(p + i - 16);
    b = read64(p + i - 8);
  }
  return MulFold(kP1 ^ n, MulFold(a ^ kP1, b ^ h) ^ kP2);
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

// Equality of short texts (field names, codes, plates) without a memcmp call.
inline bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  size_t n = a.size();
  for (; n >= 8; n -= 8, p += 8, q += 8) {
    uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n)
    if (*p++ != *q++) return false;
  return true;
}

}  // namespace civicflow
