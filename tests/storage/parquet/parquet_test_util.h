#pragma once
// Helpers for the Parquet tests: write a file into memory with a fill
// function, and open it with our reader.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"

namespace civicflow::storage::parquet::testing {

struct WrittenFile {
  std::string bytes;
  ParquetFileStats stats;
};

// Writes `columns` with `fill(writer)` into memory; fails the test on any error.
template <typename Fill>
WrittenFile WriteToMemory(std::vector<ColumnSpec> columns, const ParquetWriterOptions& options, Fill fill) {
  auto file = std::make_unique<MemoryOutputFile>("test.parquet");
  MemoryOutputFile* memory = file.get();
  auto writer = ParquetWriter::Create(std::move(file), std::move(columns), options);
  EXPECT_TRUE(writer.ok()) << writer.status().message();
  if (!writer.ok()) return {};
  fill(**writer);
  auto stats = (*writer)->Close();
  EXPECT_TRUE(stats.ok()) << stats.status().message();
  if (!stats.ok()) return {};
  return {memory->bytes(), *stats};
}

inline std::unique_ptr<ParquetReader> OpenOrDie(std::string bytes) {
  auto reader = ParquetReader::FromBytes("test.parquet", std::move(bytes));
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  return reader.ok() ? std::move(reader.value()) : nullptr;
}

}  // namespace civicflow::storage::parquet::testing
