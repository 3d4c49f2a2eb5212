#pragma once
// The ciphers, digests and encodings the five specifications use, over
// OpenSSL 3. Every function is thread-safe and allocates only its result;
// the forms with an out-parameter reuse its capacity, so a loop over many
// values allocates nothing once warm. Block ciphers keep each thread's
// initialised contexts (key schedules) for the keys it used lately.
// Failures (bad key length, bad padding, malformed Base64 or PEM) are values,
// never exceptions.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace civicflow::ingest::crypto {

// Standard Base64 (RFC 4648, with padding). Decode is strict: no whitespace,
// correct padding; nullopt otherwise.
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
bool Base64Decode(std::string_view text, std::string& bytes);  // false: not strict Base64

// Lowercase hex and its inverse (either case; nullopt on odd length or a non-hex digit).
std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);

std::string Sm3(std::string_view bytes);  // 32-byte digest (GM/T 0004; our own, sm3.cc)
std::string Md5(std::string_view bytes);  // 16-byte digest

// Block ciphers in ECB mode with PKCS#7 padding (PKCS#5 for DES).
Result<std::string> Sm4EcbEncrypt(std::string_view key16, std::string_view plaintext);
Result<std::string> Sm4EcbDecrypt(std::string_view key16, std::string_view ciphertext);
Status Sm4EcbDecrypt(std::string_view key16, std::string_view ciphertext, std::string& plaintext);
Result<std::string> Aes128EcbEncrypt(std::string_view key16, std::string_view plaintext);
Result<std::string> Aes128EcbDecrypt(std::string_view key16, std::string_view ciphertext);
// Single DES (OpenSSL's legacy provider, loaded once on first use).
Result<std::string> DesEcbEncrypt(std::string_view key8, std::string_view plaintext);
Result<std::string> DesEcbDecrypt(std::string_view key8, std::string_view ciphertext);

// `bytes` cryptographically random bytes.
std::string RandomBytes(size_t bytes);

// RSA keys for the community platform's envelope (RSA-PKCS#1 v1.5).
class RsaPrivateKey {
 public:
  static Result<RsaPrivateKey> FromPem(std::string_view pem);
  static Result<RsaPrivateKey> FromPemFile(const std::string& path);
  Result<std::string> DecryptPkcs1(std::string_view ciphertext) const;
  std::string PublicKeyPem() const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
};

class RsaPublicKey {
 public:
  static Result<RsaPublicKey> FromPem(std::string_view pem);
  Result<std::string> EncryptPkcs1(std::string_view plaintext) const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
};

// A new key pair as PKCS#8 private key PEM (tests, tools).
std::string GenerateRsaPrivateKeyPem(int bits = 2048);

}  // namespace civicflow::ingest::crypto
