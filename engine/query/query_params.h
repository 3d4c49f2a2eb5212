#pragma once
// QueryParams: one request's query parameters, checked against what its
// endpoint allows, with the contract's errors: the first problem found is
// the answer (parameter name and what is allowed). Owned by the handling
// thread for one request.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/query/table_source.h"

namespace civicflow::query {

// What a request gets instead of rows: HTTP status, the parameter at fault
// ("" for none), and what is wrong and allowed.
struct QueryError {
  unsigned status = 400;
  std::string parameter;
  std::string message;
};

class QueryParams {
 public:
  // `query` as sent (after '?'): names and values percent-decoded, '+' a space.
  static QueryParams Parse(std::string_view query);

  // Every parameter must be one of `allowed` and given once; else the error
  // names the first that is not.
  void Allow(std::span<const std::string_view> allowed);
  // The value, "" when absent or empty.
  std::string Text(std::string_view name) const;
  // A value that must be one of `choices` ("" when absent and not `required`).
  std::string Choice(std::string_view name, std::span<const std::string_view> choices, bool required);
  // A value that must be present and non-empty.
  std::string Required(std::string_view name);
  // A "yyyy-MM-dd" date ("" when absent and not `required`).
  std::string Date(std::string_view name, bool required);
  // `from` and `to`: dates, from ≤ to, at most 366 days from first to last day.
  DateRange Dates();

  // The first problem found, if any.
  const std::optional<QueryError>& error() const { return error_; }

 private:
  void Fail(std::string_view parameter, std::string message);

  std::vector<std::pair<std::string, std::string>> items_;
  std::optional<QueryError> error_;
};

// "a, b, c"
std::string Listed(std::span<const std::string_view> names);

}  // namespace civicflow::query
