#include "ingest/http/query_record.h"

#include <string>

namespace civicflow::ingest::http {
namespace {

const Value kAbsent{};

const FieldSpec* TopField(const InterfaceSpec& spec, std::string_view name) {
  for (const FieldSpec& field : spec.fields)
    if (field.name == name) return &field;
  return nullptr;
}

}  // namespace

std::optional<ValidationError> QueryRecord::Parse(const InterfaceSpec& spec, std::string_view json) {
  spec_ = &spec;
  records_.clear();
  arena_.Reset();
  const ParseOutcome outcome = ParseBodyText(Registry::Get().IdOf(spec), json, 0, arena_, records_);
  if (outcome.error) return outcome.error;
  if (records_.size() != 1) {
    records_.clear();
    return ValidationError{
        .rule = Rule::kNotAnObject,
        .interface = std::string(PlatformName(spec.platform)) + "/" + std::string(spec.name),
        .record_index = 0,
        .field = {},
        .detail = "one JSON object expected"};
  }
  return std::nullopt;
}

const Value& QueryRecord::operator[](std::string_view field) const {
  const int index = FlatFieldIndex(*spec_, field);
  return index < 0 ? kAbsent : records_.front()[index];
}

uint32_t QueryRecord::ListSize(std::string_view list) const {
  const Value& value = (*this)[list];
  return value.kind == Value::Kind::kList ? value.size : 0;
}

const Value& QueryRecord::ListValue(std::string_view list, uint32_t row, std::string_view field) const {
  const FieldSpec* list_spec = TopField(*spec_, list);
  const Value& value = (*this)[list];
  if (list_spec == nullptr || value.kind != Value::Kind::kList || row >= value.size) return kAbsent;
  const size_t width = list_spec->children.size();
  for (size_t i = 0; i < width; ++i)
    if (list_spec->children[i].name == field) return value.rows[row * width + i];
  return kAbsent;
}

}  // namespace civicflow::ingest::http
