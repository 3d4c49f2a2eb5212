#include "ingest/crypto/crypto.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <climits>
#include <fstream>
#include <iterator>
#include <vector>

namespace civicflow::ingest::crypto {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using MdPtr = std::unique_ptr<EVP_MD, Deleter<EVP_MD_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// A failed Status naming the operation and OpenSSL's reason; clears this thread's error queue.
Status OpenSslError(const std::string& what) {
  const char* reason = ERR_reason_error_string(ERR_peek_last_error());
  ERR_clear_error();
  return Status::Error(reason != nullptr ? what + ": " + reason : what);
}

// The legacy provider (single DES) with the default one beside it: loading any provider explicitly
// stops OpenSSL from loading the default provider implicitly. They are unloaded at exit, before
// OpenSSL's own cleanup, or the legacy provider's child library context leaks (openssl#16516).
bool LoadLegacyProvider() {
  using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, Deleter<OSSL_PROVIDER_unload>>;
  static const ProviderPtr providers[] = {ProviderPtr(OSSL_PROVIDER_load(nullptr, "default")),
                                          ProviderPtr(OSSL_PROVIDER_load(nullptr, "legacy"))};
  return providers[0] != nullptr && providers[1] != nullptr;
}

std::string Digest(const EVP_MD* md, std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, md, nullptr) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

// Algorithms are fetched once: fetched objects are immutable and shared between threads.
struct Cipher {
  Cipher(const char* name, bool legacy)
      : name(name),
        cipher(legacy && !LoadLegacyProvider() ? nullptr : EVP_CIPHER_fetch(nullptr, name, nullptr)) {}
  const char* name;
  CipherPtr cipher;
};

const Cipher& Sm4Ecb() {
  static const Cipher cipher("SM4-ECB", false);
  return cipher;
}
const Cipher& Aes128Ecb() {
  static const Cipher cipher("AES-128-ECB", false);
  return cipher;
}
const Cipher& DesEcb() {
  static const Cipher cipher("DES-ECB", true);
  return cipher;
}

// Each thread's initialised cipher contexts, one per (cipher, direction, key) it used lately:
// setting up a context and its key schedule costs more than decrypting a short field, and an I/O
// thread decrypts thousands of fields a second under a handful of account keys. A context is reset
// (its buffered block and padding state cleared, its key schedule kept) before each use. At most
// kCapacity are kept; the least recently used one is freed (its key schedule cleansed) to make room.
// Touched by its own thread only.
class CipherContexts {
 public:
  // The context ready for a new message, or nullptr when OpenSSL refuses (error queue set).
  // REQUIRES: key.size() is c's key length.
  EVP_CIPHER_CTX* Ready(const Cipher& c, std::string_view key, bool encrypt) {
    ++uses_;
    for (Entry& entry : entries_) {
      if (entry.cipher == &c && entry.encrypt == encrypt && entry.key == key) {
        entry.last_use = uses_;
        // No cipher and no key: the same algorithm and key schedule, the message state reset.
        return EVP_CipherInit_ex2(entry.ctx.get(), nullptr, nullptr, nullptr, encrypt, nullptr) == 1
                   ? entry.ctx.get()
                   : nullptr;
      }
    }
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (ctx == nullptr ||
        EVP_CipherInit_ex2(ctx.get(), c.cipher.get(), Bytes(key), nullptr, encrypt, nullptr) != 1)
      return nullptr;
    if (entries_.size() == kCapacity) {
      const auto oldest =
          std::min_element(entries_.begin(), entries_.end(),
                           [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
      OPENSSL_cleanse(oldest->key.data(), oldest->key.size());
      entries_.erase(oldest);
    }
    entries_.push_back({&c, encrypt, std::string(key), std::move(ctx), uses_});
    return entries_.back().ctx.get();
  }

  ~CipherContexts() {
    for (Entry& entry : entries_) OPENSSL_cleanse(entry.key.data(), entry.key.size());
  }

 private:
  static constexpr size_t kCapacity = 16;
  struct Entry {
    const Cipher* cipher;
    bool encrypt;
    std::string key;
    CipherCtxPtr ctx;
    uint64_t last_use;
  };
  std::vector<Entry> entries_;
  uint64_t uses_ = 0;
};

// ECB with PKCS#7 padding (OpenSSL's default), either direction, into `out`.
Status Crypt(const Cipher& c, std::string_view key, std::string_view input, bool encrypt, std::string& out) {
  const auto name = [&c, encrypt] { return std::string(c.name) + (encrypt ? " encrypt" : " decrypt"); };
  if (c.cipher == nullptr) return OpenSslError(name() + ": cipher not available");
  const auto key_size = static_cast<size_t>(EVP_CIPHER_get_key_length(c.cipher.get()));
  if (key.size() != key_size) {
    return Status::Error(name() + ": key must be " + std::to_string(key_size) + " bytes, got " +
                         std::to_string(key.size()));
  }
  const auto block = static_cast<size_t>(EVP_CIPHER_get_block_size(c.cipher.get()));
  if (!encrypt && (input.empty() || input.size() % block != 0)) {
    return Status::Error(name() + ": ciphertext length " + std::to_string(input.size()) +
                         " is not a positive multiple of " + std::to_string(block));
  }
  if (input.size() > INT_MAX - block) return Status::Error(name() + ": input too large");
  thread_local CipherContexts contexts;
  EVP_CIPHER_CTX* ctx = contexts.Ready(c, key, encrypt);
  if (ctx == nullptr) return OpenSslError(name());
  out.resize(input.size() + block);
  int size = 0, tail = 0;
  if (EVP_CipherUpdate(ctx, Bytes(out), &size, Bytes(input), static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx, Bytes(out) + size, &tail) != 1) {
    out.clear();
    return OpenSslError(encrypt ? name() : name() + " (bad padding or key)");
  }
  out.resize(static_cast<size_t>(size + tail));
  return Status();
}

Result<std::string> Crypt(const Cipher& c, std::string_view key, std::string_view input, bool encrypt) {
  std::string out;
  if (Status status = Crypt(c, key, input, encrypt, out); !status.ok()) return status;
  return out;
}

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHex = "0123456789abcdef";

// Each byte's value as a digit of `alphabet`, or 255 if it is not one.
constexpr std::array<uint8_t, 256> DecodeTable(std::string_view alphabet, bool fold_case) {
  std::array<uint8_t, 256> table{};
  table.fill(255);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    const auto c = static_cast<unsigned char>(alphabet[i]);
    table[c] = static_cast<uint8_t>(i);
    if (fold_case && c >= 'a' && c <= 'f') table[c - 'a' + 'A'] = static_cast<uint8_t>(i);
  }
  return table;
}
constexpr auto kBase64Values = DecodeTable(kBase64, false);
constexpr auto kHexValues = DecodeTable(kHex, true);

EVP_PKEY* Key(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

int NoPassword(char*, int, int, void*) { return 0; }

// One RSA key read by `Read` (PEM_read_bio_PrivateKey or PEM_read_bio_PUBKEY).
template <auto Read>
Result<std::shared_ptr<void>> ReadRsaPem(std::string_view pem, const std::string& what) {
  const BioPtr bio(pem.size() > INT_MAX ? nullptr
                                        : BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio != nullptr ? Read(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (key == nullptr) return OpenSslError("not a PEM " + what);
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) return Status::Error("not an RSA " + what);
  return std::shared_ptr<void>(key.release(), Deleter<EVP_PKEY_free>());  // deletes it as an EVP_PKEY*
}

// The PEM text `write(bio)` produces, or "" if it fails.
template <typename Write>
std::string WritePem(EVP_PKEY* key, Write write) {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  char* data = nullptr;
  if (key == nullptr || bio == nullptr || write(bio.get(), key) != 1) {
    ERR_clear_error();
    return {};
  }
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// EVP_PKEY_encrypt or EVP_PKEY_decrypt with RSA-PKCS#1 v1.5 padding.
template <auto Init, auto Run>
Result<std::string> RsaPkcs1(EVP_PKEY* key, std::string_view input, const char* what) {
  if (key == nullptr) return Status::Error(std::string(what) + ": no key");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  size_t size = 0;
  if (ctx == nullptr || Init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      Run(ctx.get(), nullptr, &size, Bytes(input), input.size()) != 1) {
    return OpenSslError(what);
  }
  std::string out(size, '\0');
  if (Run(ctx.get(), Bytes(out), &size, Bytes(input), input.size()) != 1) return OpenSslError(what);
  out.resize(size);
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t j = 0; j < 3; ++j) {
      group = group << 8 | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0);
    }
    for (size_t j = 0; j < 4; ++j) out += j <= n ? kBase64[group >> (18 - 6 * j) & 63] : '=';
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const size_t digits = i + 4 == text.size() ? 4 - padding : 4;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      const uint8_t value = j < digits ? kBase64Values[static_cast<unsigned char>(text[i + j])] : 0;
      if (value == 255) return false;  // a bad character, or '=' before the end
      group = group << 6 | value;
    }
    if (digits < 4 && (group & ((1u << (8 * (4 - digits))) - 1)) != 0) {
      return false;  // nonzero bits past the last byte
    }
    for (size_t j = 0; j + 1 < digits; ++j) out += static_cast<char>(group >> (16 - 8 * j) & 0xff);
  }
  return true;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  if (!Base64Decode(text, out)) return std::nullopt;
  return out;
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t high = kHexValues[static_cast<unsigned char>(hex[2 * i])];
    const uint8_t low = kHexValues[static_cast<unsigned char>(hex[2 * i + 1])];
    if (high == 255 || low == 255) return std::nullopt;
    out[i] = static_cast<char>(high << 4 | low);
  }
  return out;
}

std::string Md5(std::string_view bytes) {
  static const MdPtr md(EVP_MD_fetch(nullptr, "MD5", nullptr));
  return Digest(md.get(), bytes);
}

Result<std::string> Sm4EcbEncrypt(std::string_view key16, std::string_view plaintext) {
  return Crypt(Sm4Ecb(), key16, plaintext, true);
}
Result<std::string> Sm4EcbDecrypt(std::string_view key16, std::string_view ciphertext) {
  return Crypt(Sm4Ecb(), key16, ciphertext, false);
}
Status Sm4EcbDecrypt(std::string_view key16, std::string_view ciphertext, std::string& plaintext) {
  return Crypt(Sm4Ecb(), key16, ciphertext, false, plaintext);
}
Result<std::string> Aes128EcbEncrypt(std::string_view key16, std::string_view plaintext) {
  return Crypt(Aes128Ecb(), key16, plaintext, true);
}
Result<std::string> Aes128EcbDecrypt(std::string_view key16, std::string_view ciphertext) {
  return Crypt(Aes128Ecb(), key16, ciphertext, false);
}
Result<std::string> DesEcbEncrypt(std::string_view key8, std::string_view plaintext) {
  return Crypt(DesEcb(), key8, plaintext, true);
}
Result<std::string> DesEcbDecrypt(std::string_view key8, std::string_view ciphertext) {
  return Crypt(DesEcb(), key8, ciphertext, false);
}

std::string RandomBytes(size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t done = 0; done < bytes;) {
    const int chunk = static_cast<int>(std::min<size_t>(bytes - done, INT_MAX));
    if (RAND_bytes(Bytes(out) + done, chunk) != 1) {
      ERR_clear_error();
      return {};  // no entropy: an empty string, which no key-length check accepts
    }
    done += static_cast<size_t>(chunk);
  }
  return out;
}

Result<RsaPrivateKey> RsaPrivateKey::FromPem(std::string_view pem) {
  auto key = ReadRsaPem<PEM_read_bio_PrivateKey>(pem, "private key");
  if (!key.ok()) return key.status();
  RsaPrivateKey result;
  result.key_ = std::move(*key);
  return result;
}

Result<RsaPrivateKey> RsaPrivateKey::FromPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open RSA private key file " + path);
  const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return Status::Error("cannot read RSA private key file " + path);
  return FromPem(pem);
}

Result<std::string> RsaPrivateKey::DecryptPkcs1(std::string_view ciphertext) const {
  return RsaPkcs1<EVP_PKEY_decrypt_init, EVP_PKEY_decrypt>(Key(key_), ciphertext, "RSA decrypt");
}

std::string RsaPrivateKey::PublicKeyPem() const { return WritePem(Key(key_), PEM_write_bio_PUBKEY); }

Result<RsaPublicKey> RsaPublicKey::FromPem(std::string_view pem) {
  // OpenSSL 3 reads both "PUBLIC KEY" (SubjectPublicKeyInfo) and "RSA PUBLIC KEY" (PKCS#1) here.
  auto key = ReadRsaPem<PEM_read_bio_PUBKEY>(pem, "public key");
  if (!key.ok()) return key.status();
  RsaPublicKey result;
  result.key_ = std::move(*key);
  return result;
}

Result<std::string> RsaPublicKey::EncryptPkcs1(std::string_view plaintext) const {
  return RsaPkcs1<EVP_PKEY_encrypt_init, EVP_PKEY_encrypt>(Key(key_), plaintext, "RSA encrypt");
}

std::string GenerateRsaPrivateKeyPem(int bits) {
  const PkeyPtr key(bits > 0 ? EVP_RSA_gen(static_cast<unsigned>(bits)) : nullptr);
  return WritePem(key.get(), [](BIO* bio, EVP_PKEY* pkcs8) {  // PKCS#8 "PRIVATE KEY", unencrypted
    return PEM_write_bio_PrivateKey(bio, pkcs8, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace civicflow::ingest::crypto
