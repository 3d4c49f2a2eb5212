#pragma once
// multipart/form-data bodies (RFC 7578), for the picture uploads of the
// fitness (`uploadFile`) and parking (`picture`) platforms. Parts are views
// into the body.
#include <string_view>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::ingest::http {

struct FormPart {
  std::string_view name;      // Content-Disposition name
  std::string_view filename;  // empty for plain fields
  std::string_view content_type;
  std::string_view data;
};

// `content_type` is the request's Content-Type header (it carries the boundary).
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);
const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace civicflow::ingest::http
