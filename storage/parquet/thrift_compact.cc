#include "storage/parquet/thrift_compact.h"

#include <cstring>

namespace civicflow::storage::parquet {

namespace {
constexpr int kMaxDepth = 64;  // nesting limit when skipping damaged or unknown input
}

void ThriftWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void ThriftWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_id_ = id;
}

void ThriftWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kI8);
  out_->push_back(static_cast<char>(v));
}

void ThriftWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  Varint(ZigZag(v));
}

void ThriftWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  Varint(ZigZag(v));
}

void ThriftWriter::FieldDouble(int16_t id, double v) {
  FieldHeader(id, ThriftType::kDouble);
  char bytes[8];
  std::memcpy(bytes, &v, 8);  // little-endian hosts only (x86-64, aarch64)
  out_->append(bytes, 8);
}

void ThriftWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  ElementBinary(v);
}

void ThriftWriter::ElementBinary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

void ThriftWriter::BeginStructField(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStructElement();
}

void ThriftWriter::BeginStructElement() {
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftWriter::EndStruct() {
  out_->push_back(0);
  last_id_ = outer_ids_.back();
  outer_ids_.pop_back();
}

void ThriftWriter::BeginListField(int16_t id, ThriftType element, uint32_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
    Varint(size);
  }
}

void ThriftReader::Fail(std::string_view why) {
  if (error_.empty()) {
    error_ = "thrift: ";
    error_ += why;
    error_ += " at byte " + std::to_string(pos_);
  }
  pos_ = in_.size();
}

uint64_t ThriftReader::ReadVarint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) {
      Fail("truncated varint");
      return 0;
    }
    const auto byte = static_cast<uint8_t>(in_[pos_++]);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return v;
  }
  Fail("varint longer than 10 bytes");
  return 0;
}

bool ThriftReader::NextField(int16_t* id, ThriftType* type) {
  if (!ok()) return false;
  if (pos_ >= in_.size()) {
    Fail("truncated struct");
    return false;
  }
  const auto byte = static_cast<uint8_t>(in_[pos_++]);
  if (byte == 0) return false;
  const uint8_t t = byte & 0x0F, delta = byte >> 4;
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) {
    Fail("bad field type " + std::to_string(t));
    return false;
  }
  *type = static_cast<ThriftType>(t);
  *id = delta ? static_cast<int16_t>(last_id_ + delta) : ReadI16();
  last_id_ = *id;
  return ok();
}

void ThriftReader::BeginStruct() {
  if (outer_ids_.size() >= kMaxDepth) return Fail("structs nested too deep");
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftReader::EndStruct() {
  if (outer_ids_.empty()) return Fail("unbalanced struct end");
  last_id_ = outer_ids_.back();
  outer_ids_.pop_back();
}

int8_t ThriftReader::ReadI8() {
  if (pos_ >= in_.size()) {
    Fail("truncated byte");
    return 0;
  }
  return static_cast<int8_t>(in_[pos_++]);
}

double ThriftReader::ReadDouble() {
  if (in_.size() - pos_ < 8) {
    Fail("truncated double");
    return 0;
  }
  double v;
  std::memcpy(&v, in_.data() + pos_, 8);
  pos_ += 8;
  return v;
}

bool ThriftReader::ReadBoolElement() { return ReadI8() == 1; }

std::string_view ThriftReader::ReadBinary() {
  const uint64_t size = ReadVarint();
  if (!ok()) return {};
  if (size > in_.size() - pos_) {
    Fail("binary of " + std::to_string(size) + " bytes past the end");
    return {};
  }
  std::string_view v = in_.substr(pos_, size);
  pos_ += size;
  return v;
}

void ThriftReader::ReadListHeader(ThriftType* element, uint32_t* size) {
  const auto byte = static_cast<uint8_t>(ReadI8());
  *element = static_cast<ThriftType>(byte & 0x0F);
  uint64_t n = byte >> 4;
  if (n == 15) n = ReadVarint();
  // Every element takes at least one byte, so a larger count is damage.
  if (ok() && n > in_.size() - pos_) Fail("list of " + std::to_string(n) + " elements past the end");
  *size = ok() ? static_cast<uint32_t>(n) : 0;
}

void ThriftReader::Skip(ThriftType type) { SkipDepth(type, 0); }

void ThriftReader::SkipDepth(ThriftType type, int depth) {
  if (depth > kMaxDepth) return Fail("values nested too deep");
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return;  // the value was the field header
    case ThriftType::kI8:
      ReadI8();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      ReadVarint();
      return;
    case ThriftType::kDouble:
      ReadDouble();
      return;
    case ThriftType::kBinary:
      ReadBinary();
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      uint32_t size;
      ReadListHeader(&element, &size);
      for (uint32_t i = 0; i < size && ok(); ++i) {
        // Bools in lists are one byte each, not in a header.
        if (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse) {
          ReadI8();
        } else {
          SkipDepth(element, depth + 1);
        }
      }
      return;
    }
    case ThriftType::kMap: {
      const uint64_t size = ReadVarint();
      if (size == 0 || !ok()) return;
      const auto types = static_cast<uint8_t>(ReadI8());
      for (uint64_t i = 0; i < size && ok(); ++i) {
        SkipDepth(static_cast<ThriftType>(types >> 4), depth + 1);
        SkipDepth(static_cast<ThriftType>(types & 0x0F), depth + 1);
      }
      return;
    }
    case ThriftType::kStruct: {
      BeginStruct();
      int16_t id;
      ThriftType field;
      while (NextField(&id, &field)) SkipDepth(field, depth + 1);
      if (ok()) EndStruct();
      return;
    }
    case ThriftType::kStop:
      break;
  }
  Fail("cannot skip type " + std::to_string(static_cast<int>(type)));
}

}  // namespace civicflow::storage::parquet
