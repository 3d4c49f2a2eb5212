# Compiles the vendored GB/T 2260 code list (third_party/gbt2260/codes.txt)
# into civicflow::ingest::IsRegionCode and RegionCodes (declared in ingest/registry/registry.h).
#
#   include(EmbedRegionCodes)
#   civicflow_embed_region_codes(REGION_CODES_CC)
#   target_sources(<target> PRIVATE ${REGION_CODES_CC})
#
# The source is generated at build time and regenerated whenever codes.txt
# changes. The target must have the project root on its include path.
#
# This file has two modes: included from a CMakeLists.txt it defines the
# function; run with `cmake -P` (by the build rule the function adds) it
# generates the source file.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(_CIVICFLOW_EMBED_REGION_CODES_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")
  get_filename_component(_CIVICFLOW_REGION_CODES_TXT
    "${CMAKE_CURRENT_LIST_DIR}/../third_party/gbt2260/codes.txt" ABSOLUTE)

  # Adds the rule generating the IsRegionCode source and sets <out_cc> in the
  # caller's scope to its path.
  function(civicflow_embed_region_codes out_cc)
    set(_cc "${CMAKE_CURRENT_BINARY_DIR}/generated/region_codes.cc")
    add_custom_command(
      OUTPUT "${_cc}"
      COMMAND "${CMAKE_COMMAND}"
              "-DREGION_CODES_TXT=${_CIVICFLOW_REGION_CODES_TXT}"
              "-DREGION_CODES_CC=${_cc}"
              -P "${_CIVICFLOW_EMBED_REGION_CODES_SCRIPT}"
      DEPENDS "${_CIVICFLOW_REGION_CODES_TXT}" "${_CIVICFLOW_EMBED_REGION_CODES_SCRIPT}"
      COMMENT "Generating GB/T 2260 region code table"
      VERBATIM)
    set(${out_cc} "${_cc}" PARENT_SCOPE)
  endfunction()
  return()
endif()

# Script mode: REGION_CODES_TXT -> REGION_CODES_CC.
foreach(_var REGION_CODES_TXT REGION_CODES_CC)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "EmbedRegionCodes.cmake: -D${_var}=... is required")
  endif()
endforeach()

file(STRINGS "${REGION_CODES_TXT}" _lines)
set(_body "")
set(_row "")
set(_in_row 0)
set(_count 0)
set(_prev "")
foreach(_code IN LISTS _lines)
  if(NOT _code MATCHES "^[1-9][0-9][0-9][0-9][0-9][0-9]$")
    message(FATAL_ERROR "${REGION_CODES_TXT}: not a 6-digit code: '${_code}'")
  endif()
  if(NOT _prev STREQUAL "" AND NOT _prev LESS _code)
    message(FATAL_ERROR "${REGION_CODES_TXT}: not sorted ascending without duplicates at ${_prev}, ${_code}")
  endif()
  set(_prev "${_code}")
  string(APPEND _row " ${_code},")
  math(EXPR _in_row "${_in_row} + 1")
  math(EXPR _count "${_count} + 1")
  if(_in_row EQUAL 10)
    string(APPEND _body "   ${_row}\n")
    set(_row "")
    set(_in_row 0)
  endif()
endforeach()
if(NOT _row STREQUAL "")
  string(APPEND _body "   ${_row}\n")
endif()
if(_count EQUAL 0)
  message(FATAL_ERROR "${REGION_CODES_TXT}: no codes")
endif()

file(WRITE "${REGION_CODES_CC}" "\
// Generated from third_party/gbt2260/codes.txt by cmake/EmbedRegionCodes.cmake.
// Do not edit.
#include <algorithm>
#include <cstdint>
#include <iterator>

#include \"ingest/registry/registry.h\"

namespace civicflow::ingest {
namespace {

// GB/T 2260 province, city and county/district codes (${_count}), ascending.
constexpr int32_t kRegionCodes[] = {
${_body}};

static_assert(std::is_sorted(std::begin(kRegionCodes), std::end(kRegionCodes)));

}  // namespace

bool IsRegionCode(int64_t code) {
  if (code < kRegionCodes[0] || code > std::end(kRegionCodes)[-1]) return false;
  return std::binary_search(std::begin(kRegionCodes), std::end(kRegionCodes), static_cast<int32_t>(code));
}

std::span<const int32_t> RegionCodes() { return kRegionCodes; }

}  // namespace civicflow::ingest
")
