#pragma once
// Reading back the CSV tables CsvWriter writes (RFC 4180).
#include <string>
#include <string_view>
#include <vector>

namespace civicflow::storage {

// Appends the records of `text` to `rows`: quoted cells may hold commas,
// doubled quotes and line breaks; CRLF or LF line ends. Returns false on an
// unterminated quote.
bool ParseCsv(std::string_view text, std::vector<std::vector<std::string>>& rows);

}  // namespace civicflow::storage
