#pragma once
// ArchiveParser: turns a block of archive lines into typed records.
// Each line is one upload:
//   {"platform":"parking","interface":"enterRecord","ts":1763630000000,"body":{...} | [...]}
// A line is atomic: if any of its records is invalid, none is kept, and the
// line goes to the dead-letter output with its reason. Thread-compatible:
// one parser per thread (it keeps a simdjson parser).
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/record_chunk.h"
#include "ingest/registry/record_parser.h"

namespace civicflow::ingest {

// A rejected upload and why.
struct DeadLetter {
  uint64_t line;          // 0-based, within its block
  std::string interface;  // "parking/enterRecord", or empty when unreadable
  Rule rule;
  std::string message;
  std::string raw;  // the line as received
};

// What a block yielded, per InterfaceId; merged by the caller.
struct IngestCounts {
  std::vector<uint64_t> valid;     // records that passed validation
  std::vector<uint64_t> rejected;  // records of rejected lines
  uint64_t rejected_unknown = 0;   // lines whose platform/interface could not be read
  uint64_t lines = 0;              // lines in the block, blank ones included
  std::vector<DeadLetter> dead_letters;

  IngestCounts();
  // Adds the counters (not the dead letters).
  void Merge(const IngestCounts& other);
  // The dead letters as NDJSON lines {"file","line","interface","rule","error","raw"},
  // numbering lines from `first_line` (1-based number of the block's first line).
  std::string DeadLetterJson(std::string_view file, uint64_t first_line) const;
};

class ArchiveParser {
 public:
  // Parses block[0, length) (readable up to `capacity`, padded) into chunk.records.
  void ParseBlock(const char* block, size_t length, size_t capacity, RecordChunk& chunk,
                  IngestCounts& counts);

 private:
  void ParseLine(const char* line, size_t length, size_t capacity, RecordChunk& chunk, IngestCounts& counts,
                 uint64_t line_number);
  simdjson::ondemand::parser parser_;
};

}  // namespace civicflow::ingest
