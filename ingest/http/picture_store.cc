#include "ingest/http/picture_store.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::http {

std::string PictureStore::PathOf(std::string_view id) const {
  return root_ + "/" + std::string(id.substr(0, 2)) + "/" + std::string(id);
}

Result<std::string> PictureStore::Put(std::string_view bytes) {
  static std::atomic<uint64_t> sequence{0};
  std::string id = crypto::HexEncode(crypto::Md5(bytes));
  const std::string path = PathOf(id);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return id;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::Error("cannot create picture directory: " + ec.message());
  const std::string temporary = path + ".tmp" + std::to_string(sequence.fetch_add(1));
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) return Status::Error("cannot create " + temporary);
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  if (std::fclose(file) != 0 || !written) {
    std::filesystem::remove(temporary, ec);
    return Status::Error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Status::Error("cannot store picture: " + ec.message());
  return id;
}

}  // namespace civicflow::ingest::http
