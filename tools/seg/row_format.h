#pragma once
// Text renderings of segment rows for `civicflow-seg cat`: CSV cells quoted
// as RFC 4180 says, and NDJSON values typed as JSON. Stateless functions.
//
//   CSV:    null → empty field; "" → `""` (so the two stay apart); a cell
//           holding , " CR or LF is quoted, quotes doubled. Dates and
//           timestamps as ValueText writes them ("yyyy-MM-dd HH:mm:ss").
//   NDJSON: integers and doubles as numbers (a non-finite double, which JSON
//           cannot hold, as null), booleans as true/false, null as null,
//           strings, dates and timestamps as JSON strings.
#include <string>
#include <string_view>

#include "storage/parquet/parquet_reader.h"

namespace civicflow::seg {

void AppendCsvCell(storage::parquet::ColumnType type, const storage::parquet::Value& value, std::string* out);
void AppendCsvText(std::string_view text, std::string* out);  // a header name or a non-null text cell
void AppendJsonValue(storage::parquet::ColumnType type, const storage::parquet::Value& value,
                     std::string* out);
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace civicflow::seg
