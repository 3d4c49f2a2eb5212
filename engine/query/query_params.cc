#include "engine/query/query_params.h"

#include <algorithm>

#include "engine/base/local_time.h"
#include "ingest/http/exchange.h"

namespace civicflow::query {

std::string Listed(std::span<const std::string_view> names) {
  std::string text;
  for (std::string_view name : names) (text += text.empty() ? "" : ", ") += name;
  return text;
}

QueryParams QueryParams::Parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    params.items_.emplace_back(ingest::http::PercentDecoded(pair.substr(0, eq), true),
                               eq == std::string_view::npos
                                   ? std::string()
                                   : ingest::http::PercentDecoded(pair.substr(eq + 1), true));
  }
  return params;
}

void QueryParams::Fail(std::string_view parameter, std::string message) {
  if (!error_) error_ = QueryError{400, std::string(parameter), std::move(message)};
}

void QueryParams::Allow(std::span<const std::string_view> allowed) {
  for (size_t i = 0; i < items_.size(); ++i) {
    const std::string& name = items_[i].first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      Fail(name, allowed.empty() ? "unknown parameter; this endpoint takes none"
                                 : "unknown parameter; allowed: " + Listed(allowed));
      return;
    }
    for (size_t j = 0; j < i; ++j)
      if (items_[j].first == name) return Fail(name, "given more than once");
  }
}

std::string QueryParams::Text(std::string_view name) const {
  for (const auto& [key, value] : items_)
    if (key == name) return value;
  return {};
}

std::string QueryParams::Required(std::string_view name) {
  std::string value = Text(name);
  if (value.empty()) Fail(name, "required");
  return value;
}

std::string QueryParams::Choice(std::string_view name, std::span<const std::string_view> choices,
                                bool required) {
  std::string value = Text(name);
  if (value.empty()) {
    if (required) Fail(name, "required; one of: " + Listed(choices));
    return value;
  }
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    Fail(name, "\"" + value + "\" is not allowed; one of: " + Listed(choices));
    return {};
  }
  return value;
}

std::string QueryParams::Date(std::string_view name, bool required) {
  std::string value = Text(name);
  if (value.empty()) {
    if (required) Fail(name, "required: a date yyyy-MM-dd");
    return value;
  }
  if (!ParseDate(value)) {
    Fail(name, "\"" + value + "\" is not a date yyyy-MM-dd");
    return {};
  }
  return value;
}

DateRange QueryParams::Dates() {
  DateRange range{Date("from", false), Date("to", false)};
  if (range.from.empty() || range.to.empty()) return range;
  const int64_t days = (ParseDate(range.to)->seconds - ParseDate(range.from)->seconds) / LocalTime::kDay;
  if (days < 0) Fail("from", "from (" + range.from + ") is after to (" + range.to + ")");
  if (days + 1 > 366)
    Fail("to", "from " + range.from + " to " + range.to + " spans " + std::to_string(days + 1) +
                   " days; at most 366");
  return range;
}

}  // namespace civicflow::query
