#pragma once
// Thrift compact protocol, the encoding of Parquet's page headers and footer
// (parquet.thrift). Only what Parquet needs: structs, i8/i16/i32/i64, double,
// bool, binary and lists. No generated code: the writer and reader name field
// ids directly, as parquet_writer.cc / parquet_reader.cc do.
//
// Wire format (thrift-compact-protocol.md):
//   field header  = [delta:4 | type:4]                 when 0 < id - last_id <= 15
//                 | [0 | type:4] zigzag-varint(i16 id)  otherwise
//   bool field    = its value is the header's type: 1 true, 2 false
//   i16/i32/i64   = zigzag varint;  i8 = one byte;  double = 8 bytes little-endian
//   binary        = varint length, bytes
//   list header   = [size:4 | elem:4] when size < 15, else [0xF | elem:4] varint size
//   struct        = fields…, 0 (stop); field ids are deltas within each struct
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::storage::parquet {

enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Appends compact-protocol bytes to a caller-owned string (reused across
// messages, so encoding a page header allocates nothing once warm).
// REQUIRES: Begin/End calls nest; a list's elements are written right after
// its header, `size` of them.
class ThriftWriter {
 public:
  explicit ThriftWriter(std::string* out) : out_(out) {}

  void FieldI8(int16_t id, int8_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldDouble(int16_t id, double v);
  void FieldBool(int16_t id, bool v);
  void FieldBinary(int16_t id, std::string_view v);
  // A nested struct field: its fields follow, then EndStruct().
  void BeginStructField(int16_t id);
  void EndStruct();
  // A list field; then `size` elements with the element writers below.
  void BeginListField(int16_t id, ThriftType element, uint32_t size);

  // List elements.
  void ElementI32(int32_t v) { Varint(ZigZag(v)); }
  void ElementI64(int64_t v) { Varint(ZigZag(v)); }
  void ElementBinary(std::string_view v);
  // A struct element: its fields follow, then EndStruct().
  void BeginStructElement();

  // The top-level message's stop byte.
  void EndMessage() { out_->push_back(0); }

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t v);

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;  // last field id of each enclosing struct
};

// Reads compact-protocol bytes. Every read is bounds-checked: damaged input
// sets a sticky error (status()) and later reads return zero values, so
// callers check once per message. Unknown fields are skipped with Skip().
// REQUIRES: the bytes outlive the reader (it keeps a view).
class ThriftReader {
 public:
  explicit ThriftReader(std::string_view in) : in_(in) {}

  // The next field of the current struct; false at its stop byte (or on error).
  bool NextField(int16_t* id, ThriftType* type);
  // Enter a struct (a struct field or element); ReadFields… until NextField
  // returns false, then EndStruct().
  void BeginStruct();
  void EndStruct();

  int8_t ReadI8();
  int16_t ReadI16() { return static_cast<int16_t>(ReadZigZag()); }
  int32_t ReadI32() { return static_cast<int32_t>(ReadZigZag()); }
  int64_t ReadI64() { return ReadZigZag(); }
  double ReadDouble();
  // A bool field's value is in its header type.
  static bool BoolValue(ThriftType type) { return type == ThriftType::kBoolTrue; }
  bool ReadBoolElement();
  std::string_view ReadBinary();
  // A list (or set) header: its element type and size.
  void ReadListHeader(ThriftType* element, uint32_t* size);
  // Skips one value of `type` (a whole struct or list included).
  void Skip(ThriftType type);

  size_t position() const { return pos_; }
  bool ok() const { return error_.empty(); }
  Status status() const { return ok() ? Status() : Status::Error(error_); }
  void Fail(std::string_view why);

 private:
  uint64_t ReadVarint();
  int64_t ReadZigZag() {
    const uint64_t v = ReadVarint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  void SkipDepth(ThriftType type, int depth);

  std::string_view in_;
  size_t pos_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;
  std::string error_;
};

}  // namespace civicflow::storage::parquet
