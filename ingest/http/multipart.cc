#include "ingest/http/multipart.h"

#include <strings.h>

namespace civicflow::ingest::http {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// The value of `key=` (quoted or bare) within a header value such as
// `form-data; name="file"; filename="a.jpg"`.
std::string_view Attribute(std::string_view header, std::string_view key) {
  size_t at = 0;
  while ((at = header.find(key, at)) != std::string_view::npos) {
    const bool starts = at == 0 || header[at - 1] == ';' || header[at - 1] == ' ';
    at += key.size();
    if (!starts || at >= header.size() || header[at] != '=') continue;
    std::string_view rest = header.substr(at + 1);
    if (!rest.empty() && rest[0] == '"') {
      const size_t close = rest.find('"', 1);
      return close == std::string_view::npos ? std::string_view() : rest.substr(1, close - 1);
    }
    return rest.substr(0, rest.find(';'));
  }
  return {};
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
  if (!StartsWithNoCase(content_type, "multipart/form-data"))
    return Status::Error("Content-Type is not multipart/form-data");
  const std::string_view boundary = Attribute(content_type, "boundary");
  if (boundary.empty()) return Status::Error("multipart boundary missing");
  const std::string delimiter = "--" + std::string(boundary);

  std::vector<FormPart> parts;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return Status::Error("multipart body has no boundary line");
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // closing delimiter
    if (body.substr(at, 2) != "\r\n") return Status::Error("multipart boundary line malformed");
    at += 2;
    const size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return Status::Error("multipart part headers unterminated");
    FormPart part;
    std::string_view headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      const size_t eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return Status::Error("multipart part header malformed");
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (StartsWithNoCase(line, "content-disposition:")) {
        part.name = Attribute(value, "name");
        part.filename = Attribute(value, "filename");
      } else if (StartsWithNoCase(line, "content-type:")) {
        part.content_type = value;
      }
    }
    const size_t data_begin = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_begin);
    if (next == std::string_view::npos) return Status::Error("multipart part unterminated");
    part.data = body.substr(data_begin, next - data_begin);
    if (part.name.empty()) return Status::Error("multipart part without a name");
    parts.push_back(part);
    at = next + 2;
  }
}

const FormPart* FindPart(const std::vector<FormPart>& parts, std::string_view name) {
  for (const FormPart& part : parts)
    if (part.name == name) return &part;
  return nullptr;
}

}  // namespace civicflow::ingest::http
