#pragma once
// Raw record tables: every accepted record of an interface as one row of
// `raw_<platform>_<interface>` (PLATFORMS.md, "Outputs"; '/' in the
// interface becomes '_', as does anything else not a letter or digit:
// raw_orienteering_sessions_session_id_finish), typed columns named as in the spec, for audit and
// export. The tables are data derived from the registry once, on first use
// (a thread-safe static); reading them is safe from any thread.
//
// Columns, in order:
//   the record's flat fields in FlatField order (registry.h): the interface's
//   fields, then for a record_list interface the element's fields (one row
//   per element); the record_list field itself is left out, its elements are
//   the rows. Every column is optional (O/C fields may be absent).
//     Int, Long, EpochMillis           INT64 (epoch millis stay the integer sent)
//     Decimal, Double                  DOUBLE (a Decimal is its fixed point / 10^6)
//     Bool                             BOOLEAN
//     String                           STRING
//     DateTime, DateMinute             TIMESTAMP (local)
//     Date                             DATE
//     Time ("HH:mm:ss")                STRING "HH:mm:ss"
//     List, Object, StringList         STRING: compact JSON of the value; a list of
//                                      objects is an array of objects (absent fields
//                                      left out), an object an object, a string list
//                                      an array of strings
//   request_time  TIMESTAMP  the request's envelope time (local, milliseconds kept)
//   correction    BOOLEAN    the record corrected an earlier one (Fate::kCorrection)
// Names are unique even compared case-insensitively, as DuckDB compares them:
// an element field whose name repeats an earlier column gets the suffix
// "_item"; a name still taken (a spec spelling the same key twice in two
// cases, fitness syncOrderData's User3rdPlatformId / user3rdPlatformId)
// gets "_2", "_3"…; a spec field named like a trailing column gets "_field".
#include <string>
#include <vector>

#include "engine/base/local_time.h"
#include "engine/base/status.h"
#include "ingest/record.h"
#include "storage/parquet/parquet_format.h"
#include "storage/parquet/parquet_writer.h"

namespace civicflow::operators {

struct RawTable {
  std::string name;  // raw_<platform>_<interface>
  std::vector<storage::parquet::ColumnSpec> columns;
};

// The raw table of an interface. REQUIRES: id < Registry::Get().All().size().
const RawTable& RawTableOf(ingest::InterfaceId id);

// How raw tables are written: ZSTD level 3, data pages of 4 MB (raw tables
// hold long unique texts — ids, plate lists, JSON — which compress markedly
// better in larger pages: bench/RESULTS.md, "Parquet segments").
storage::parquet::ParquetWriterOptions RawTableWriterOptions();

// Appends every column of the record's raw table to `writer` (whose columns
// must be RawTableOf(record.interface).columns), then ends the row: returns
// EndRow()'s status. Allocates nothing once warm (list values are rendered
// into a thread_local buffer).
Status AppendRawRow(storage::parquet::ParquetWriter& writer, const ingest::Record& record);

// Appends the same row as one flat JSON object and a newline to `out`: the
// raw table's column names as keys, absent values as null; INT64 and DOUBLE
// as numbers (a Decimal exactly, "356.75"), TIMESTAMP "yyyy-MM-dd HH:mm:ss"
// (request_time with ".mmm"), DATE "yyyy-MM-dd", the rest as strings. What
// DuckDB's read_json turns into the same typed row.
void AppendRawJsonRow(std::string& out, const ingest::Record& record);

// The hive partition time of the row: the record's event time, or its
// request time when the interface has none (or the record left it absent).
LocalTime RawPartitionTime(const ingest::Record& record);

}  // namespace civicflow::operators
