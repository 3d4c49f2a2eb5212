#include "ingest/crypto/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace civicflow::ingest::crypto {
namespace {

std::string Hex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

// --- Encodings ---

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  for (size_t n = 0; n <= bytes.size(); n += 37) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes.substr(n))), bytes.substr(n));
  }
}

TEST(Base64, DecodeIsStrict) {
  for (const std::string_view bad : {"Zg=", "Zg==\n", "Z===", "Zm9v!", "Zm9vYg", "====", "Zg==Zg==", "Zm 9v",
                                     "Zh==", "Zm9=", "=Zm9", "Zm9v\r\n", "Zg-_"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Base64, DecodeIntoReplacesTheBuffer) {
  std::string bytes = "left over from an earlier value";
  ASSERT_TRUE(Base64Decode("Zm9vYg==", bytes));
  EXPECT_EQ(bytes, "foob");
  ASSERT_TRUE(Base64Decode("", bytes));
  EXPECT_EQ(bytes, "");
  EXPECT_FALSE(Base64Decode("Zm9vYg=", bytes));
  EXPECT_FALSE(Base64Decode("Zh==", bytes));
}

TEST(Hex, RoundTripAndCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexDecode("0001ABff"), std::optional<std::string>(std::string("\x00\x01\xab\xff", 4)));
  EXPECT_EQ(HexDecode(""), std::optional<std::string>(""));
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(HexDecode(HexEncode(bytes)), bytes);
}

TEST(Hex, Rejections) {
  for (const std::string_view bad : {"0", "abc", "0g", "g0", " 00", "00 ", "0x00", "-1"}) {
    EXPECT_FALSE(HexDecode(bad).has_value()) << '"' << bad << '"';
  }
}

// --- Digests ---

TEST(Digest, Sm3KnownAnswers) {
  EXPECT_EQ(HexEncode(Sm3("abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  std::string abcd;
  for (int i = 0; i < 16; ++i) abcd += "abcd";
  EXPECT_EQ(HexEncode(Sm3(abcd)), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

// Sm3 is our own implementation: OpenSSL's SM3 is the reference, for every tail length of one to
// four blocks (padding into one block or two) and a large input.
TEST(Digest, Sm3MatchesOpenSsl) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SM3", nullptr);
  ASSERT_NE(md, nullptr);
  const auto reference = [md](std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest, &size, md, nullptr), 1);
    return std::string(reinterpret_cast<const char*>(digest), size);
  };
  const std::string bytes = RandomBytes(100000);
  for (size_t length = 0; length <= 260; ++length)
    EXPECT_EQ(HexEncode(Sm3(bytes.substr(0, length))), HexEncode(reference(bytes.substr(0, length))))
        << length;
  EXPECT_EQ(HexEncode(Sm3(bytes)), HexEncode(reference(bytes)));
  EVP_MD_free(md);
}

TEST(Digest, Md5KnownAnswers) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

// --- Block ciphers ---

struct CipherCase {
  const char* name;
  size_t key_size;
  Result<std::string> (*encrypt)(std::string_view, std::string_view);
  Result<std::string> (*decrypt)(std::string_view, std::string_view);
  const char* key_hex;
  const char* plaintext_hex;
  const char* block_hex;  // the first ciphertext block
};

class BlockCipher : public testing::TestWithParam<CipherCase> {};

TEST_P(BlockCipher, KnownAnswer) {
  const CipherCase& c = GetParam();
  const std::string plaintext = Hex(c.plaintext_hex);
  auto ciphertext = c.encrypt(Hex(c.key_hex), plaintext);
  ASSERT_TRUE(ciphertext.ok()) << ciphertext.status().message();
  const size_t block = plaintext.size();
  ASSERT_EQ(ciphertext->size(), 2 * block);  // the block and a whole PKCS#7 padding block
  EXPECT_EQ(HexEncode(ciphertext->substr(0, block)), HexEncode(Hex(c.block_hex)));
  auto decrypted = c.decrypt(Hex(c.key_hex), *ciphertext);
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().message();
  EXPECT_EQ(*decrypted, plaintext);
}

TEST_P(BlockCipher, RoundTripsEveryLength) {
  const CipherCase& c = GetParam();
  const std::string key = RandomBytes(c.key_size);
  const size_t block = c.key_size == 8 ? 8 : 16;
  for (const size_t length : {0, 1, 7, 8, 15, 16, 17, 100}) {
    const std::string plaintext = RandomBytes(length);
    auto ciphertext = c.encrypt(key, plaintext);
    ASSERT_TRUE(ciphertext.ok()) << ciphertext.status().message();
    EXPECT_EQ(ciphertext->size(), (length / block + 1) * block) << length;
    auto decrypted = c.decrypt(key, *ciphertext);
    ASSERT_TRUE(decrypted.ok()) << length << ": " << decrypted.status().message();
    EXPECT_EQ(*decrypted, plaintext) << length;
  }
}

TEST_P(BlockCipher, WrongKeyLengthFails) {
  const CipherCase& c = GetParam();
  for (const size_t size : {size_t{0}, c.key_size - 1, c.key_size + 1, 2 * c.key_size}) {
    const std::string key(size, 'k');
    auto encrypted = c.encrypt(key, "data");
    ASSERT_FALSE(encrypted.ok()) << size;
    EXPECT_NE(encrypted.status().message().find("key"), std::string::npos) << encrypted.status().message();
    EXPECT_FALSE(c.decrypt(key, std::string(16, 'x')).ok()) << size;
  }
}

TEST_P(BlockCipher, MalformedCiphertextFails) {
  const CipherCase& c = GetParam();
  const std::string key = RandomBytes(c.key_size);
  auto ciphertext = c.encrypt(key, "seventeen bytes!!");
  ASSERT_TRUE(ciphertext.ok());
  EXPECT_FALSE(c.decrypt(key, "").ok());
  EXPECT_FALSE(c.decrypt(key, ciphertext->substr(0, ciphertext->size() - 1)).ok());  // not whole blocks
  EXPECT_FALSE(c.decrypt(key, *ciphertext + "x").ok());
}

TEST_P(BlockCipher, BadPaddingFails) {
  const CipherCase& c = GetParam();
  const std::string key(c.key_size, 'k');  // fixed, so the tampered blocks below are too
  const size_t block = c.key_size == 8 ? 8 : 16;
  // ECB: the first block alone decrypts to a block ending in 0x00, never valid PKCS#7.
  auto zeros = c.encrypt(key, std::string(block, '\0'));
  ASSERT_TRUE(zeros.ok());
  auto decrypted = c.decrypt(key, zeros->substr(0, block));
  ASSERT_FALSE(decrypted.ok());
  EXPECT_NE(decrypted.status().message().find("padding"), std::string::npos) << decrypted.status().message();

  const std::string plaintext = "seventeen bytes!!";
  auto ciphertext = c.encrypt(key, plaintext);
  ASSERT_TRUE(ciphertext.ok());
  std::string tampered = *ciphertext;
  tampered.back() ^= 1;
  EXPECT_FALSE(c.decrypt(key, tampered).ok());
  // Any other last byte turns the last block into noise: valid padding only by chance (~1/256).
  int failures = 0;
  for (int value = 0; value < 256; ++value) {
    tampered.back() = static_cast<char>(value);
    if (tampered == *ciphertext) continue;
    auto result = c.decrypt(key, tampered);
    failures += result.ok() ? 0 : 1;
    if (result.ok()) {
      EXPECT_NE(*result, plaintext);
    }
  }
  EXPECT_GT(failures, 245);
}

// Each thread keeps initialised contexts for the keys it used lately: more keys than it keeps, used in
// turn and in both directions, with failures in between, must each give what a first use gives.
TEST_P(BlockCipher, ReusedContextsMatchFirstUse) {
  const CipherCase& c = GetParam();
  const std::string plaintext = "a message of several blocks, reused contexts";
  std::vector<std::string> keys, first;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(RandomBytes(c.key_size));
    auto ciphertext = c.encrypt(keys.back(), plaintext);  // a key not seen before: a fresh context
    ASSERT_TRUE(ciphertext.ok()) << ciphertext.status().message();
    first.push_back(*ciphertext);
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < keys.size(); ++i) {
      const size_t k = (i * 7 + round) % keys.size();  // an order that revisits kept and evicted keys
      auto ciphertext = c.encrypt(keys[k], plaintext);
      ASSERT_TRUE(ciphertext.ok());
      EXPECT_EQ(*ciphertext, first[k]) << "key " << k << ", round " << round;
      EXPECT_FALSE(c.decrypt(keys[k], first[k].substr(0, first[k].size() - 1)).ok());  // not whole blocks
      std::string tampered = first[k];
      tampered.back() ^= 0x55;
      (void)c.decrypt(keys[k], tampered);  // fails (or, rarely, yields noise): leaves a used context
      auto decrypted = c.decrypt(keys[k], first[k]);
      ASSERT_TRUE(decrypted.ok()) << "key " << k << ": " << decrypted.status().message();
      EXPECT_EQ(*decrypted, plaintext) << "key " << k << ", round " << round;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ciphers, BlockCipher,
    testing::Values(
        // GB/T 32907 example 1.
        CipherCase{"Sm4", 16, Sm4EcbEncrypt, Sm4EcbDecrypt, "0123456789abcdeffedcba9876543210",
                   "0123456789abcdeffedcba9876543210", "681edf34d206965e86b3e94f536e4246"},
        // FIPS-197 appendix C.1.
        CipherCase{"Aes128", 16, Aes128EcbEncrypt, Aes128EcbDecrypt, "000102030405060708090a0b0c0d0e0f",
                   "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a"},
        CipherCase{"Des", 8, DesEcbEncrypt, DesEcbDecrypt, "133457799BBCDFF1", "0123456789ABCDEF",
                   "85E813540F0AB405"}),
    [](const testing::TestParamInfo<CipherCase>& info) { return info.param.name; });

TEST(Sm4, DecryptIntoReplacesTheBuffer) {
  const std::string key = RandomBytes(16);
  auto ciphertext = Sm4EcbEncrypt(key, "plate 粤B12345");
  ASSERT_TRUE(ciphertext.ok());
  std::string plaintext(100, 'x');
  ASSERT_TRUE(Sm4EcbDecrypt(key, *ciphertext, plaintext).ok());
  EXPECT_EQ(plaintext, "plate 粤B12345");
  const Status refused = Sm4EcbDecrypt(key, ciphertext->substr(1), plaintext);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("SM4-ECB decrypt"), std::string::npos) << refused.message();
  EXPECT_FALSE(Sm4EcbDecrypt(key.substr(1), *ciphertext, plaintext).ok());
}

TEST(RandomBytes, SizesAndDistinct) {
  EXPECT_EQ(RandomBytes(0), "");
  EXPECT_EQ(RandomBytes(1000).size(), 1000u);
  EXPECT_NE(RandomBytes(16), RandomBytes(16));
}

// --- RSA ---

// One 2048-bit key for the suite (generation takes a while).
const std::string& PrivatePem() {
  static const std::string pem = GenerateRsaPrivateKeyPem(2048);
  return pem;
}

TEST(Rsa, GeneratedKeyIsPkcs8Pem) {
  EXPECT_TRUE(PrivatePem().starts_with("-----BEGIN PRIVATE KEY-----\n")) << PrivatePem();
  EXPECT_FALSE(GenerateRsaPrivateKeyPem(0).size());
}

TEST(Rsa, EncryptThenDecrypt) {
  auto private_key = RsaPrivateKey::FromPem(PrivatePem());
  ASSERT_TRUE(private_key.ok()) << private_key.status().message();
  const std::string public_pem = private_key->PublicKeyPem();
  EXPECT_TRUE(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n")) << public_pem;
  auto public_key = RsaPublicKey::FromPem(public_pem);
  ASSERT_TRUE(public_key.ok()) << public_key.status().message();

  const std::string aes_key = RandomBytes(16);
  auto ciphertext = public_key->EncryptPkcs1(aes_key);
  ASSERT_TRUE(ciphertext.ok()) << ciphertext.status().message();
  EXPECT_EQ(ciphertext->size(), 256u);
  auto again = public_key->EncryptPkcs1(aes_key);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *ciphertext);  // PKCS#1 v1.5 padding is random
  auto decrypted = private_key->DecryptPkcs1(*ciphertext);
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().message();
  EXPECT_EQ(*decrypted, aes_key);

  EXPECT_FALSE(public_key->EncryptPkcs1(std::string(246, 'x')).ok());  // more than k - 11 bytes
}

TEST(Rsa, FromPemFileReadsTheKey) {
  const auto path = std::filesystem::temp_directory_path() / "civicflow-crypto-test-key.pem";
  std::ofstream(path, std::ios::binary) << PrivatePem();
  auto key = RsaPrivateKey::FromPemFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(key.ok()) << key.status().message();
  auto public_key = RsaPublicKey::FromPem(key->PublicKeyPem());
  ASSERT_TRUE(public_key.ok());
  auto ciphertext = public_key->EncryptPkcs1("hello");
  ASSERT_TRUE(ciphertext.ok());
  auto decrypted = key->DecryptPkcs1(*ciphertext);
  ASSERT_TRUE(decrypted.ok());
  EXPECT_EQ(*decrypted, "hello");
}

TEST(Rsa, AcceptsPkcs1PublicKeyPem) {
  // The same key as "RSA PUBLIC KEY" (PKCS#1): re-encode the SPKI's inner RSAPublicKey.
  auto private_key = RsaPrivateKey::FromPem(PrivatePem());
  ASSERT_TRUE(private_key.ok());
  std::string spki_b64;
  std::string pem = private_key->PublicKeyPem();
  for (size_t at = pem.find('\n') + 1; pem.compare(at, 5, "-----") != 0; at = pem.find('\n', at) + 1) {
    spki_b64 += pem.substr(at, pem.find('\n', at) - at);
  }
  auto spki = Base64Decode(spki_b64);
  ASSERT_TRUE(spki.has_value());
  // SPKI for RSA-2048: 30 82 01 22 | 30 0d <rsaEncryption> | 03 82 01 0f 00 | RSAPublicKey (270 bytes).
  ASSERT_EQ(spki->size(), 294u);
  const std::string encoded = Base64Encode(spki->substr(24));
  std::string pkcs1 = "-----BEGIN RSA PUBLIC KEY-----\n";
  for (size_t at = 0; at < encoded.size(); at += 64) pkcs1 += encoded.substr(at, 64) + "\n";
  pkcs1 += "-----END RSA PUBLIC KEY-----\n";
  auto public_key = RsaPublicKey::FromPem(pkcs1);
  ASSERT_TRUE(public_key.ok()) << public_key.status().message();
  auto ciphertext = public_key->EncryptPkcs1("pkcs1");
  ASSERT_TRUE(ciphertext.ok());
  auto decrypted = private_key->DecryptPkcs1(*ciphertext);
  ASSERT_TRUE(decrypted.ok());
  EXPECT_EQ(*decrypted, "pkcs1");
}

// A fixed 1024-bit key and `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1` of "civicflow".
constexpr const char* kFixedKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAMPdS0tl8LcNI50i\n"
    "RKVe4iA/H0UcQ4jqi2b4C006aWCtrQhc/XbAjR4e1g0ZbE21QjHOHFQrE6H5m6EE\n"
    "JhKuPL4ku46ozpPMXL55/9qXa5SGhqsyWTFf5wHp65gBcHv6B4bLCD1gUdYeSaSn\n"
    "RVBq3wYHaBR0fKs+axWvtrYu9l0lAgMBAAECgYEAsDz9NTji4jNGamudTRgVbGKf\n"
    "5nXKJva0vNBQiwsWKtHbsnzJ7QLRd9rTTDImC74fc+U8BFhGcCbDbJzpDUIOkI38\n"
    "wQ85AzgVyE68QkhMfjLf5UXNxebMLXEEgcaryHNxboUsdkrkcaqUivJ0nZura9u6\n"
    "fX1t6hdox3/R5J/0vrkCQQDpDEUif8EFc6zPaY9+e0aJ14ZGt9QkrE75+naqeUNq\n"
    "ojXuGFm/39FsozT7ekUvEuSNDXx1CqwfrnIxn95SUXPbAkEA1yeInGVD8Dm8PPg1\n"
    "dWBrBg+LR0A+jdVHb364E/3iVrnzrlxKf5aK7YOl4Sgt9AQDO3LSK43r0nMe+INw\n"
    "xJjC/wJAOFOe4he+r3Kl8fuxkwB4rBhLfAwyWirLa9/9jnaAtOU/46w/BQEzvO41\n"
    "gBKtZhNK6ky4KBHMSFwBfb0GHx9QwQJBAIxMy1iw8EyGWamocbPI3AFnwXsE+cWj\n"
    "fqHGEGN4+09ykuTwaeQpVw7q+hCJEu48b58kkMi2E0F4sIl9rNuGgiECQQCRKdd9\n"
    "kAQ/XqnDbBaGz7KW5HFXGFOQva8Rf8Vquc/t+0Uhzpr0/MLQEchWscGWuZxUfr7K\n"
    "IoCoBqHmYUu6xNUz\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kFixedCiphertextHex =
    "02898367d8b466ef86b1b40885cd4ff5df7b4266e36d89d2ac89d7d0466d9f222fcc693b33f717aa440cacf8b00a5b15"
    "15715db5804e54bcfcc468b13dfe8b056598bacf4c0ec847892defb7674d5b0613e9489156040c07299010971b34c6ed"
    "410aaa0272e9e2cab2a2f437fed7c25fdfc2cec49443d2d62048b7bc390369c4";

TEST(Rsa, DecryptsOpenSslCliCiphertext) {
  auto key = RsaPrivateKey::FromPem(kFixedKeyPem);
  ASSERT_TRUE(key.ok()) << key.status().message();
  auto decrypted = key->DecryptPkcs1(Hex(kFixedCiphertextHex));
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().message();
  EXPECT_EQ(*decrypted, "civicflow");
}

TEST(Rsa, EncryptionIsPkcs1Type2Block) {
  // Raw RSA (no padding) of our ciphertext: 00 02 <nonzero random> 00 <message> (RFC 8017 7.2.1).
  auto private_key = RsaPrivateKey::FromPem(kFixedKeyPem);
  ASSERT_TRUE(private_key.ok());
  auto public_key = RsaPublicKey::FromPem(private_key->PublicKeyPem());
  ASSERT_TRUE(public_key.ok());
  auto ciphertext = public_key->EncryptPkcs1("civicflow");
  ASSERT_TRUE(ciphertext.ok());
  const std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(BIO_new_mem_buf(kFixedKeyPem, -1), BIO_free_all);
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  const std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr), EVP_PKEY_CTX_free);
  std::string block(128, '\0');
  size_t size = block.size();
  ASSERT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(block.data()), &size,
                             reinterpret_cast<const unsigned char*>(ciphertext->data()), ciphertext->size()),
            1);
  ASSERT_EQ(size, 128u);
  EXPECT_EQ(block.substr(0, 2), std::string("\x00\x02", 2));
  EXPECT_EQ(block.find('\0', 2), 128u - 10);
  EXPECT_EQ(block.substr(128 - 9), "civicflow");
}

TEST(Rsa, FailuresAreValues) {
  auto private_key = RsaPrivateKey::FromPem(PrivatePem());
  ASSERT_TRUE(private_key.ok());
  EXPECT_FALSE(private_key->DecryptPkcs1("garbage").ok());
  EXPECT_FALSE(private_key->DecryptPkcs1(std::string(256, '\xff')).ok());  // larger than the modulus
  EXPECT_FALSE(private_key->DecryptPkcs1("").ok());

  EXPECT_FALSE(RsaPrivateKey::FromPem("junk").ok());
  EXPECT_FALSE(RsaPrivateKey::FromPem("").ok());
  EXPECT_FALSE(RsaPublicKey::FromPem("junk").ok());
  EXPECT_FALSE(RsaPublicKey::FromPem("").ok());
  EXPECT_FALSE(RsaPrivateKey::FromPem(private_key->PublicKeyPem()).ok());
  auto missing = RsaPrivateKey::FromPemFile("/nonexistent/civicflow-crypto-test.pem");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/civicflow-crypto-test.pem"), std::string::npos);

  EXPECT_FALSE(RsaPrivateKey().DecryptPkcs1("x").ok());  // an empty key
  EXPECT_FALSE(RsaPublicKey().EncryptPkcs1("x").ok());
  EXPECT_EQ(RsaPrivateKey().PublicKeyPem(), "");
}

}  // namespace
}  // namespace civicflow::ingest::crypto
