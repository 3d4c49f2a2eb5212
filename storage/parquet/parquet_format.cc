#include "storage/parquet/parquet_format.h"

#include <algorithm>
#include <array>

namespace civicflow::storage::parquet {

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "STRING";
    case ColumnType::kInt32:
      return "INT32";
    case ColumnType::kInt64:
      return "INT64";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kBool:
      return "BOOLEAN";
    case ColumnType::kDate:
      return "DATE";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
  }
  return "?";
}

format::PhysicalType PhysicalTypeOf(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return format::kByteArray;
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return format::kInt32;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return format::kInt64;
    case ColumnType::kDouble:
      return format::kDouble;
    case ColumnType::kBool:
      return format::kBoolean;
  }
  return format::kByteArray;
}

namespace {

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

// Slicing-by-8: table k advances a byte followed by k zero bytes, so eight
// bytes are folded per step (the same CRC as the bytewise loop).
constexpr std::array<std::array<uint32_t, 256>, 8> MakeCrcSlices() {
  std::array<std::array<uint32_t, 256>, 8> slices{};
  slices[0] = MakeCrcTable();
  for (size_t k = 1; k < 8; ++k)
    for (uint32_t i = 0; i < 256; ++i)
      slices[k][i] = (slices[k - 1][i] >> 8) ^ slices[0][slices[k - 1][i] & 0xFF];
  return slices;
}
constexpr std::array<std::array<uint32_t, 256>, 8> kCrcSlices = MakeCrcSlices();

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Values [begin, end) bit-packed, padded with zeros to whole groups of 8.
template <typename T>
void AppendBitPacked(std::span<const T> values, size_t begin, size_t end, int bit_width, std::string* out) {
  const size_t groups = (end - begin + 7) / 8;
  AppendVarint(out, (groups << 1) | 1);
  uint64_t buffer = 0;
  int bits = 0;
  for (size_t i = begin; i < begin + groups * 8; ++i) {
    const uint64_t v = i < end ? static_cast<uint64_t>(values[i]) : 0;
    buffer |= v << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(buffer & 0xFF));
      buffer >>= 8;
      bits -= 8;
    }
  }
  // 8 values of any width fill whole bytes, so nothing is left over.
}

template <typename T>
size_t RunLength(std::span<const T> values, size_t at, size_t limit) {
  size_t n = 1;
  while (at + n < values.size() && n < limit && values[at + n] == values[at]) ++n;
  return n;
}

template <typename T>
void AppendRleHybridImpl(std::span<const T> values, int bit_width, std::string* out) {
  const int value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < values.size()) {
    const size_t run = RunLength(values, i, SIZE_MAX);
    if (run >= 8) {
      AppendVarint(out, static_cast<uint64_t>(run) << 1);
      const auto v = static_cast<uint32_t>(values[i]);
      for (int b = 0; b < value_bytes; ++b) out->push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
      i += run;
      continue;
    }
    // Bit-pack groups of 8 until a run of 8 equal values starts at a group boundary.
    const size_t begin = i;
    do {
      i += 8;
    } while (i < values.size() && RunLength(values, i, 8) < 8);
    AppendBitPacked(values, begin, std::min(i, values.size()), bit_width, out);
    i = std::min(i, values.size());
  }
}

}  // namespace

uint32_t Crc32(std::string_view bytes) {
  uint32_t c = 0xFFFFFFFFu;
  const char* p = bytes.data();
  size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word = LoadLittleEndian<uint64_t>(p) ^ c;
    c = kCrcSlices[7][word & 0xFF] ^ kCrcSlices[6][(word >> 8) & 0xFF] ^ kCrcSlices[5][(word >> 16) & 0xFF] ^
        kCrcSlices[4][(word >> 24) & 0xFF] ^ kCrcSlices[3][(word >> 32) & 0xFF] ^
        kCrcSlices[2][(word >> 40) & 0xFF] ^ kCrcSlices[1][(word >> 48) & 0xFF] ^ kCrcSlices[0][word >> 56];
  }
  for (; n > 0; --n, ++p) c = kCrcTable[(c ^ static_cast<uint8_t>(*p)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void AppendRleHybrid(std::span<const uint8_t> values, int bit_width, std::string* out) {
  AppendRleHybridImpl(values, bit_width, out);
}
void AppendRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out) {
  AppendRleHybridImpl(values, bit_width, out);
}

bool DecodeRleHybrid(std::string_view in, int bit_width, std::span<uint32_t> out, size_t* consumed) {
  if (bit_width < 0 || bit_width > 32) return false;
  const size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFull : (1ull << bit_width) - 1;
  size_t pos = 0, n = 0;
  while (n < out.size()) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= in.size() || shift > 63) return false;
      const auto byte = static_cast<uint8_t>(in[pos++]);
      header |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) break;
    }
    if (header & 1) {  // bit-packed: (header >> 1) groups of 8 values
      const uint64_t groups = header >> 1;
      if (groups == 0 || groups > (uint64_t{1} << 40)) return false;
      const uint64_t count = groups * 8;
      const uint64_t bytes = groups * static_cast<uint64_t>(bit_width);
      if (bytes > in.size() - pos) return false;
      uint64_t buffer = 0;
      int bits = 0;
      size_t byte_at = pos;
      for (uint64_t k = 0; k < count && n < out.size(); ++k) {
        while (bits < bit_width) {
          buffer |= static_cast<uint64_t>(static_cast<uint8_t>(in[byte_at++])) << bits;
          bits += 8;
        }
        const auto v = static_cast<uint32_t>(buffer & mask);
        buffer = bit_width == 0 ? buffer : buffer >> bit_width;
        bits -= bit_width;
        out[n++] = v;
      }
      pos += bytes;
    } else {  // RLE: (header >> 1) repeats of one value
      const uint64_t count = header >> 1;
      if (count == 0 || value_bytes > in.size() - pos) return false;
      uint32_t v = 0;
      for (size_t b = 0; b < value_bytes; ++b)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in[pos + b])) << (8 * b);
      pos += value_bytes;
      if (v > mask) return false;
      for (uint64_t k = 0; k < count && n < out.size(); ++k) out[n++] = v;
    }
  }
  if (consumed) *consumed = pos;
  return true;
}

int BitWidth(uint32_t max_value) {
  int w = 1;
  while (w < 32 && (max_value >> w) != 0) ++w;
  return w;
}

}  // namespace civicflow::storage::parquet
