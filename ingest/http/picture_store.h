#pragma once
// PictureStore: uploaded pictures, content-addressed under
// DIR/pictures/<md5[0:2]>/<md5>: the same bytes are stored once, whoever
// sends them. Writes go to a temporary name and are renamed into place, so
// a reader never sees a partial picture. Thread-safe.
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace civicflow::ingest::http {

class PictureStore {
 public:
  explicit PictureStore(std::string data_dir) : root_(std::move(data_dir) + "/pictures") {}

  // Stores `bytes` and returns their id (lowercase hex MD5). Storing bytes
  // already present writes nothing.
  Result<std::string> Put(std::string_view bytes);
  // Where the picture with `id` lives (whether or not it exists).
  std::string PathOf(std::string_view id) const;

 private:
  std::string root_;
};

}  // namespace civicflow::ingest::http
