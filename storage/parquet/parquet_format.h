#pragma once
// What the Parquet writer and reader share: our column types and how they map
// to Parquet's physical and logical types, the enum values and field ids of
// parquet.thrift we use, CRC-32 of pages, and the RLE / bit-packed hybrid
// encoding of definition levels and dictionary ids.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace civicflow::storage::parquet {

// Column types of a flat schema. In Parquet terms:
//   kString    BYTE_ARRAY, logical STRING (converted UTF8)
//   kInt32     INT32
//   kInt64     INT64
//   kDouble    DOUBLE
//   kBool      BOOLEAN
//   kDate      INT32 days since 1970-01-01, logical DATE (converted DATE)
//   kTimestamp INT64 microseconds since 1970-01-01 00:00:00 *local*,
//              logical TIMESTAMP(isAdjustedToUTC=false, MICROS): China local
//              time as the rest of civicflow keeps it (LocalTime), no zone.
enum class ColumnType : uint8_t { kString, kInt32, kInt64, kDouble, kBool, kDate, kTimestamp };
std::string_view ColumnTypeName(ColumnType type);

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool optional = true;  // nullable: written with definition levels
};

// Page compression. Values are parquet.thrift's CompressionCodec.
enum class Codec : uint8_t { kUncompressed = 0, kZstd = 6 };

// parquet.thrift enum values.
namespace format {
enum PhysicalType : int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kDouble = 5, kByteArray = 6 };
enum Encoding : int32_t { kPlain = 0, kPlainDictionary = 2, kRle = 3, kRleDictionary = 8 };
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };
enum ConvertedType : int32_t { kUtf8 = 0, kDate = 6, kTimestampMicros = 10 };
enum Repetition : int32_t { kRequired = 0, kOptional = 1 };
}  // namespace format

format::PhysicalType PhysicalTypeOf(ColumnType type);

// CRC-32 (polynomial 0x04C11DB7 reflected, as zlib/gzip), what PageHeader.crc holds.
uint32_t Crc32(std::string_view bytes);

// Appends `values` RLE / bit-packed hybrid encoded with `bit_width` (1..32),
// without a length prefix. Runs of 8 or more equal values become RLE runs,
// the rest bit-packed groups of 8 (the last group zero-padded).
void AppendRleHybrid(std::span<const uint8_t> values, int bit_width, std::string* out);
void AppendRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out);

// Decodes `out.size()` values; false if `in` is too short or malformed.
// `consumed` (if given) receives the bytes the runs took, whole runs.
bool DecodeRleHybrid(std::string_view in, int bit_width, std::span<uint32_t> out, size_t* consumed = nullptr);

// Bits needed for values 0..max_value (at least 1).
int BitWidth(uint32_t max_value);

// Little-endian fixed-width helpers (x86-64 and aarch64 are little-endian).
template <typename T>
inline void AppendLittleEndian(std::string* out, T v) {
  char bytes[sizeof(T)];
  __builtin_memcpy(bytes, &v, sizeof(T));
  out->append(bytes, sizeof(T));
}
template <typename T>
inline T LoadLittleEndian(const char* p) {
  T v;
  __builtin_memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace civicflow::storage::parquet
