#include "storage/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace civicflow::storage::parquet {
namespace {

TEST(ThriftCompact, KnownBytes) {
  // A short-form header for small deltas, a long form (type, zigzag id) for a backward jump.
  std::string out;
  ThriftWriter w(&out);
  w.FieldI32(1, 3);      // 0x15, zigzag(3) = 6
  w.FieldI64(3, -1);     // delta 2, i64: 0x26, zigzag(-1) = 1
  w.FieldBool(4, true);  // 0x11
  w.FieldI32(2, 150);    // backward: 0x05, zigzag(2) = 4, zigzag(150) = 300 = 0xAC 0x02
  w.EndMessage();
  EXPECT_EQ(out, std::string("\x15\x06\x26\x01\x11\x05\x04\xAC\x02\x00", 10));
}

TEST(ThriftCompact, RoundTripNestedStructsListsAndSkips) {
  std::string out;
  ThriftWriter w(&out);
  w.FieldI32(1, -7);
  w.FieldI64(2, INT64_MIN);
  w.FieldBinary(4, "schema");
  w.BeginStructField(5);
  w.FieldBool(1, false);
  w.FieldI8(2, -3);
  w.FieldDouble(20, 2.5);  // delta > 15: long form
  w.EndStruct();
  w.BeginListField(6, ThriftType::kI32, 20);  // long list header
  for (int i = 0; i < 20; ++i) w.ElementI32(i * 1000 - 5000);
  w.BeginListField(7, ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginStructElement();
    w.FieldI64(1, i);
    w.BeginListField(2, ThriftType::kBinary, 1);
    w.ElementBinary("x" + std::to_string(i));
    w.EndStruct();
  }
  w.FieldI64(8, INT64_MAX);  // after a list of structs, deltas continue from field 7
  w.EndMessage();

  ThriftReader r(out);
  int16_t id;
  ThriftType type;
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.ReadI32(), -7);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(r.ReadI64(), INT64_MIN);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 4);
  EXPECT_EQ(r.ReadBinary(), "schema");
  ASSERT_TRUE(r.NextField(&id, &type));
  ASSERT_EQ(type, ThriftType::kStruct);
  r.BeginStruct();
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 1);
  EXPECT_FALSE(ThriftReader::BoolValue(type));
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(r.ReadI8(), -3);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 20);
  EXPECT_EQ(r.ReadDouble(), 2.5);
  EXPECT_FALSE(r.NextField(&id, &type));
  r.EndStruct();
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 6);
  ThriftType element;
  uint32_t size;
  r.ReadListHeader(&element, &size);
  ASSERT_EQ(size, 20u);
  EXPECT_EQ(element, ThriftType::kI32);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(r.ReadI32(), i * 1000 - 5000);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 7);
  r.Skip(type);  // the whole list of structs
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 8);
  EXPECT_EQ(r.ReadI64(), INT64_MAX);
  EXPECT_FALSE(r.NextField(&id, &type));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), out.size());
}

TEST(ThriftCompact, DamageIsAnErrorNotACrash) {
  std::string out;
  ThriftWriter w(&out);
  w.FieldBinary(1, "hello world");
  w.BeginListField(2, ThriftType::kI64, 3);
  for (int i = 0; i < 3; ++i) w.ElementI64(1LL << 40);
  w.EndMessage();
  // Every truncation fails cleanly while skipping the message.
  for (size_t cut = 0; cut < out.size(); ++cut) {
    ThriftReader r(std::string_view(out).substr(0, cut));
    int16_t id;
    ThriftType type;
    while (r.NextField(&id, &type)) r.Skip(type);
    EXPECT_FALSE(r.ok()) << "cut at " << cut;
  }
  // A binary whose length points past the end.
  const std::string past_end("\x18\x7F", 2);
  ThriftReader r(past_end);
  int16_t id;
  ThriftType type;
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(r.ReadBinary(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("past the end"), std::string::npos);
}

}  // namespace
}  // namespace civicflow::storage::parquet
