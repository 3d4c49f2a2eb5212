// SM3 (GB/T 32905-2016) in portable C++. OpenSSL 3.0 has only its generic C
// SM3, which measured ~1.5x slower than this on the benchmark machine, and the
// parking platform hashes every upload's whole `data` (SM3 was a third of an
// I/O thread's time in batched ingest, bench/RESULTS.md). crypto_test checks
// it against OpenSSL's SM3 for every length up to several blocks.
#include <cstdint>
#include <cstring>

#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::crypto {
namespace {

constexpr uint32_t Rol(uint32_t x, int n) { return n == 0 ? x : (x << n) | (x >> (32 - n)); }
constexpr uint32_t P0(uint32_t x) { return x ^ Rol(x, 9) ^ Rol(x, 17); }
constexpr uint32_t P1(uint32_t x) { return x ^ Rol(x, 15) ^ Rol(x, 23); }

uint32_t LoadBigEndian(const unsigned char* p) {
  uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return __builtin_bswap32(word);
}

// T_j rotated left by j mod 32, for each of the 64 rounds.
struct RoundConstants {
  constexpr RoundConstants() {
    for (int j = 0; j < 64; ++j) value[j] = Rol(j < 16 ? 0x79cc4519u : 0x7a879d8au, j % 32);
  }
  uint32_t value[64] = {};
};
constexpr RoundConstants kRoundConstants;

// The compression function over `blocks` 64-byte blocks.
void Compress(uint32_t state[8], const unsigned char* bytes, size_t blocks) {
  for (; blocks > 0; --blocks, bytes += 64) {
    uint32_t w[68];
    for (int j = 0; j < 16; ++j) w[j] = LoadBigEndian(bytes + 4 * j);
    for (int j = 16; j < 68; ++j)
      w[j] = P1(w[j - 16] ^ w[j - 9] ^ Rol(w[j - 3], 15)) ^ Rol(w[j - 13], 7) ^ w[j - 6];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    const auto round = [&](int j, uint32_t ff, uint32_t gg) {
      const uint32_t a12 = Rol(a, 12);
      const uint32_t ss1 = Rol(a12 + e + kRoundConstants.value[j], 7);
      const uint32_t tt1 = ff + d + (ss1 ^ a12) + (w[j] ^ w[j + 4]);
      const uint32_t tt2 = gg + h + ss1 + w[j];
      d = c;
      c = Rol(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = Rol(f, 19);
      f = e;
      e = P0(tt2);
    };
    for (int j = 0; j < 16; ++j) round(j, a ^ b ^ c, e ^ f ^ g);
    for (int j = 16; j < 64; ++j) round(j, (a & b) | ((a | b) & c), ((f ^ g) & e) ^ g);
    state[0] ^= a, state[1] ^= b, state[2] ^= c, state[3] ^= d;
    state[4] ^= e, state[5] ^= f, state[6] ^= g, state[7] ^= h;
  }
}

}  // namespace

std::string Sm3(std::string_view bytes) {
  uint32_t state[8] = {0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
                       0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e};
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t whole = bytes.size() / 64;
  Compress(state, data, whole);
  // The rest, 0x80, zeros, and the message length in bits (64-bit big-endian): one or two blocks.
  unsigned char last[128] = {};
  const size_t rest = bytes.size() % 64;
  if (rest > 0) std::memcpy(last, data + whole * 64, rest);
  last[rest] = 0x80;
  const size_t last_blocks = rest + 1 + 8 <= 64 ? 1 : 2;
  const uint64_t bits = static_cast<uint64_t>(bytes.size()) * 8;
  for (int i = 0; i < 8; ++i) last[last_blocks * 64 - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  Compress(state, last, last_blocks);
  std::string digest(32, '\0');
  for (int i = 0; i < 8; ++i) {
    const uint32_t word = __builtin_bswap32(state[i]);
    std::memcpy(digest.data() + 4 * i, &word, sizeof word);
  }
  return digest;
}

}  // namespace civicflow::ingest::crypto
