#pragma once
// Record-level fault injection on payload objects written by JsonObject:
// breaking one field so validation fails with a chosen rule, changing one
// non-key field to another valid value (a correction), and cutting a
// record_list payload down to one element. Pure functions of their inputs
// and the Rng; they only understand this tool's compact JSON.
#include <string>

#include "ingest/registry/record_parser.h"
#include "tools/datagen/rng.h"

namespace civicflow::datagen {

// Rewrites `object` (one payload object of `spec`) so that the validator
// rejects it with `rule`, touching exactly one field. Returns false, leaving
// `object` unchanged, when no field of the object can break that rule.
// kMalformedJson is line-level and never handled here.
bool BreakRecord(const ingest::InterfaceSpec& spec, ingest::Rule rule, std::string& object, Rng& rng);

// Changes one field that is neither a dedup key, the partition key nor the
// event time to another valid value, so the record keeps its dedup key and
// changes its content. Returns false when the object has no such field.
bool CorrectRecord(const ingest::InterfaceSpec& spec, std::string& object, Rng& rng);

// Number of registry records in a payload object: 1, or the length of its
// record_list.
size_t RecordsInObject(const ingest::InterfaceSpec& spec, std::string_view object);

// REQUIRES: spec.record_list is set. Keeps only element `index` of the list.
void KeepOneElement(const ingest::InterfaceSpec& spec, std::string& object, size_t index);

}  // namespace civicflow::datagen
