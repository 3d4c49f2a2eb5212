// Registry table of the smart community platform (smart-community-interface.txt,
// V1.0.4). Fields are the decrypted `requestData` JSON. The extracted text lost
// several tables (mjxt and ld entirely, parts of xq, wyry, zpj, clxx, rytxjl);
// rows marked "lost" follow the fields of the spec's examples and its V1.0.x tables.
// Reference fields (xqbm/areaNo, crkbm, zpjbm/snapNo, dzbm/gateNo, ...) are kept as
// sent; whether they name a registered object is checked outside the registry.
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

// Codes of the 编码规则 (小区 15, 出入口 19, 楼栋 18, 房屋 24, 抓拍机 20, 道闸 22, ...).
constexpr FieldSpec kXqbm = {.name = "xqbm",
                             .type = FieldType::kString,
                             .presence = Presence::kMandatory,
                             .max_length = 15,
                             .format = Format::kDigits};
constexpr FieldSpec kAreaNo = {.name = "areaNo",
                               .type = FieldType::kString,
                               .presence = Presence::kMandatory,
                               .max_length = 15,
                               .format = Format::kDigits};
// GF001: longitude / latitude as decimal text with 6 decimals (type column: String).
constexpr FieldSpec kJd = {
    .name = "jd", .type = FieldType::kDecimal, .presence = Presence::kMandatory, .min = -180, .max = 180};
constexpr FieldSpec kWd = {
    .name = "wd", .type = FieldType::kDecimal, .presence = Presence::kMandatory, .min = -90, .max = 90};
constexpr FieldSpec kBz = {
    .name = "bz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200};

// 2.4 小区基础信息.
constexpr FieldSpec kXqFields[] = {
    kXqbm,
    {.name = "xqmc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // ZD001: 12-digit division code (GB/T 2260 code padded with township digits).
    {.name = "ssqXzqhdm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 12,
     .format = Format::kDigits},
    {.name = "gajgjgdm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 12,
     .format = Format::kDigits},
    {.name = "sqdm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 12,
     .format = Format::kDigits},
    {.name = "xxdz", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 200},
    {.name = "bzdz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    // Rows below bzdz lost; names from the 2.3 example, presence guessed.
    {.name = "wymc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},  // lost
    kJd,                                                                                               // lost
    kWd,                                                                                               // lost
    // GF002 coordinate set "lng,lat;lng,lat;...".
    {.name = "dtzbj", .type = FieldType::kString, .presence = Presence::kMandatory},  // lost
    // GF005 Base64 image.
    {.name = "tp", .type = FieldType::kString, .presence = Presence::kOptional},    // lost
    {.name = "zdmj", .type = FieldType::kString, .presence = Presence::kOptional},  // lost; area, m²
    kBz,
    {.name = "jzmj", .type = FieldType::kString, .presence = Presence::kOptional},  // lost; area, m²
    // jscj..jylxfs: the V1.0.3 "增加必填字段", hence mandatory.
    {.name = "jscj", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost
    {.name = "fzr", .type = FieldType::kString, .presence = Presence::kMandatory},     // lost
    {.name = "lxdh", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost
    {.name = "jyxm", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost
    {.name = "jybh", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost
    {.name = "jylxfs", .type = FieldType::kString, .presence = Presence::kMandatory},  // lost
};

// 3.4 小区出入口信息 (section heading lost; title from the 前置接入 lists).
constexpr FieldSpec kCrkFields[] = {
    kXqbm,
    {.name = "crkbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 19,
     .format = Format::kDigits},
    {.name = "crkmc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "crkzp", .type = FieldType::kString, .presence = Presence::kMandatory},
    // GF007 lost, so its values are not checked; the example sends "2" quoted.
    {.name = "lx", .type = FieldType::kInt, .presence = Presence::kMandatory},
    kJd,
    kWd,
};

// 4.4 jzxxList element (居住信息).
constexpr FieldSpec kJzxxFields[] = {
    {.name = "fwbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 24,
     .format = Format::kDigits},
    {.name = "yhzgxdm", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// 4.4 人员基础信息. Integer rows are JSON integers although the examples quote them.
constexpr FieldSpec kRkFields[] = {
    kXqbm,
    {.name = "xm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "xbdm", .type = FieldType::kInt, .presence = Presence::kMandatory},
    {.name = "zjlxdm", .type = FieldType::kInt, .presence = Presence::kMandatory},
    {.name = "zjhm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "sjhm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "ryZp", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "rklxdm", .type = FieldType::kInt, .presence = Presence::kMandatory},
    {.name = "csrq", .type = FieldType::kDate, .presence = Presence::kMandatory},
    {.name = "zzmmdm", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "yxqqsrq", .type = FieldType::kDate, .presence = Presence::kOptional},
    {.name = "yxqjzrq", .type = FieldType::kDate, .presence = Presence::kOptional},
    {.name = "zjzp", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "jgdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "xjdbzdz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "zjdxz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "hjdxz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "gjdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "ywx", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 15},
    {.name = "ywm", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 15},
    {.name = "mzdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "zjxydm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "whcddm", .type = FieldType::kInt, .presence = Presence::kOptional},
    {.name = "hyzkdm", .type = FieldType::kInt, .presence = Presence::kOptional},
    {.name = "byzkdm", .type = FieldType::kInt, .presence = Presence::kOptional},
    kBz,
    // Type and length cells empty in the text; the example sends a list of objects.
    {.name = "jzxxList", .type = FieldType::kList, .presence = Presence::kMandatory, .children = kJzxxFields},
};

// 5.4 物业人员信息.
constexpr FieldSpec kWyryFields[] = {
    kXqbm,
    {.name = "xm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "sjhm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "ryjsdm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 2,
     .format = Format::kDigits},
    {.name = "rygwdm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .format = Format::kDigits},
    {.name = "xbdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "zjlxdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "zjhm", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 30},
    {.name = "mzdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "zjdxz", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "csrq", .type = FieldType::kDate, .presence = Presence::kOptional},
    {.name = "qfjg", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 50},
    // Table cut after "yxqqsrq String -"; GF003 dates as in 4.4.
    {.name = "yxqqsrq", .type = FieldType::kDate, .presence = Presence::kOptional},
    {.name = "yxqjzrq", .type = FieldType::kDate, .presence = Presence::kOptional},  // lost; as in 4.4
};

// 6 楼栋基础信息: section lost; rows from the V1.0.x table (0-127 read as a value range).
constexpr FieldSpec kLdFields[] = {
    kXqbm,
    {.name = "ldbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 18,
     .format = Format::kDigits},                                                                      // lost
    {.name = "ldh", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 6},   // lost
    {.name = "dys", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0, .max = 127},  // lost
    {.name = "lcs", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0, .max = 127},  // lost
    kJd,                                                                                              // lost
    kWd,                                                                                              // lost
    {.name = "hs", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0, .max = 127},   // lost
};

// 7.4 房屋基础信息 (section heading lost; title from the 前置接入 of 4).
constexpr FieldSpec kFwFields[] = {
    kXqbm,
    {.name = "ldbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 18,
     .format = Format::kDigits},
    {.name = "fwbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 24,
     .format = Format::kDigits},
    {.name = "dyh", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 4},
    {.name = "mph", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 10},
    {.name = "fwztdm", .type = FieldType::kInt, .presence = Presence::kMandatory},
    {.name = "lch", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 10},
    {.name = "fwytdm", .type = FieldType::kInt, .presence = Presence::kOptional},
    {.name = "cqxzdm", .type = FieldType::kInt, .presence = Presence::kOptional},
    {.name = "fwmj", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 10},
    kBz,
};

// 8.4 杆件基础信息.
constexpr FieldSpec kGjFields[] = {
    {.name = "gjbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 7,
     .format = Format::kDigits},
    {.name = "gjmc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 40},
    kXqbm,
    kJd,
    kWd,
};

// 9.4 抓拍机基础信息: rows before "lx" and after "bbh" lost; from the 9.3 example and V1.0.x table.
constexpr FieldSpec kZpjFields[] = {
    {.name = "zpjbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kDigits},                                                                     // lost
    {.name = "mc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 40},  // lost
    {.name = "ip", .type = FieldType::kString, .presence = Presence::kMandatory},                    // lost
    kXqbm,
    kJd,  // lost
    kWd,  // lost
    // Text shows "...统配置 SBLXDM": 设备类型, values from the SBLXDM configuration.
    {.name = "lx", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "fx", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "dkh", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 5},
    {.name = "bbh", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 20},
    {.name = "xh", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 20},     // lost
    kBz,                                                                                               // lost
    {.name = "glyzh", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 30},  // lost
    {.name = "glymm", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 30},  // lost
    // In the 9.3 example only (厂商信息).
    {.name = "csxx", .type = FieldType::kString, .presence = Presence::kOptional},
};

// 10 门禁系统信息: section lost; rows from the V1.0.x table.
constexpr FieldSpec kMjxtFields[] = {
    {.name = "mjxtbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 22,
     .format = Format::kDigits},  // lost
    {.name = "mjxtmc",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 50},                                                                // lost
    kXqbm,                                                                             // lost
    {.name = "fx", .type = FieldType::kString, .presence = Presence::kMandatory},      // lost
    kJd,                                                                               // lost
    kWd,                                                                               // lost
    {.name = "mlx", .type = FieldType::kString, .presence = Presence::kMandatory},     // lost
    {.name = "mjlx", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost
    {.name = "mjxtlx", .type = FieldType::kString, .presence = Presence::kMandatory},  // lost
    {.name = "ldbm",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 18,
     .format = Format::kDigits},                                                                    // lost
    {.name = "dyh", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 4},  // lost
    {.name = "crkbm",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 19,
     .format = Format::kDigits},  // lost
};

// 11.4 车辆信息.
constexpr FieldSpec kClxxFields[] = {
    {.name = "cphm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kPlate},
    kXqbm,
    {.name = "czxm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    // 车主身份证号码, but 0…30 characters: not checked as an 18-digit resident ID.
    {.name = "czSfzjhm", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "czSjhm", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 16},
    {.name = "hplxdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "hpysdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "csysdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "clppdm", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "cllxdm", .type = FieldType::kString, .presence = Presence::kOptional},
    kBz,
};

// 12.4 车辆道闸（卡口）信息.
constexpr FieldSpec kCldzFields[] = {
    {.name = "dzbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 22,
     .format = Format::kDigits},
    kXqbm,
    {.name = "dzmc", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Camera codes (zpjbm), comma-separated.
    {.name = "zpjbms", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
    {.name = "crkbm",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 19,
     .format = Format::kDigits},
    {.name = "tplj", .type = FieldType::kString, .presence = Presence::kOptional},
};

// 13.4 人脸抓拍记录信息 (GF004 lost; the example time is "2019-01-01 12:12:12").
constexpr FieldSpec kZpjlFields[] = {
    {.name = "snapNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kDigits},
    kAreaNo,
    {.name = "snapTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "snapSmallImage", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "snapBigImage", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// 14 人员通行记录信息: table lost; rows from the 14.3 examples and the V1.0.3 change notes
// (face opening: recognised sends no images, unrecognised sends both snaps).
constexpr FieldSpec kRytxjlFields[] = {
    {.name = "accessControlNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 22,
     .format = Format::kDigits},  // lost; 门禁系统编码 (mjxtbm)
    // Absent in the "人脸未识别" example.
    {.name = "cardNo",
     .type = FieldType::kString,
     .presence = Presence::kConditional,
     .max_length = 30},  // lost
    kAreaNo,
    {.name = "accessType", .type = FieldType::kString, .presence = Presence::kMandatory},    // lost; ZD018
    {.name = "accessTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},  // lost; GF004
    {.name = "snapSmallImage", .type = FieldType::kString, .presence = Presence::kConditional},  // lost
    {.name = "snapBigImage", .type = FieldType::kString, .presence = Presence::kConditional},    // lost
};

// 15.4 车辆通行记录信息 (section heading lost; title from the change notes).
constexpr FieldSpec kCltxjlFields[] = {
    {.name = "snapNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kDigits},
    kAreaNo,
    {.name = "carNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kPlate},
    {.name = "gateNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 22,
     .format = Format::kDigits},
    {.name = "accessTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "snapSmallImage", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "snapBigImage", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// 16.4 设备状态.
constexpr FieldSpec kSbztFields[] = {
    kAreaNo,
    {.name = "deviceID",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kDigits},
    {.name = "isOnLine",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 1,
     .enum_values = "1|2|9"},
    {.name = "deviceType",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 1,
     .enum_values = "1"},
};

constexpr InterfaceSpec kInterfaces[] = {
    {.platform = Platform::kCommunity,
     .name = "xq",
     .http_method = "POST",
     .http_path = "/api/v1/xq",
     .title = "小区基础信息",
     .direction = Direction::kUpload,
     .fields = kXqFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "crk",
     .http_method = "POST",
     .http_path = "/api/v1/crk",
     .title = "小区出入口信息",
     .direction = Direction::kUpload,
     .fields = kCrkFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "rk",
     .http_method = "POST",
     .http_path = "/api/v1/rk",
     .title = "人员基础信息",
     .direction = Direction::kUpload,
     .fields = kRkFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "wyry",
     .http_method = "POST",
     .http_path = "/api/v1/wyry",
     .title = "物业人员信息",
     .direction = Direction::kUpload,
     .fields = kWyryFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "ld",
     .http_method = "POST",
     .http_path = "/api/v1/ld",
     .title = "楼栋基础信息",
     .direction = Direction::kUpload,
     .fields = kLdFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "fw",
     .http_method = "POST",
     .http_path = "/api/v1/fw",
     .title = "房屋基础信息",
     .direction = Direction::kUpload,
     .fields = kFwFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "gj",
     .http_method = "POST",
     .http_path = "/api/v1/gj",
     .title = "杆件基础信息",
     .direction = Direction::kUpload,
     .fields = kGjFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "zpj",
     .http_method = "POST",
     .http_path = "/api/v1/zpj",
     .title = "抓拍机基础信息",
     .direction = Direction::kUpload,
     .fields = kZpjFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "mjxt",
     .http_method = "POST",
     .http_path = "/api/v1/mjxt",
     .title = "门禁系统信息",
     .direction = Direction::kUpload,
     .fields = kMjxtFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "clxx",
     .http_method = "POST",
     .http_path = "/api/v1/clxx",
     .title = "车辆信息",
     .direction = Direction::kUpload,
     .fields = kClxxFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "cldz",
     .http_method = "POST",
     .http_path = "/api/v1/cldz",
     .title = "车辆道闸（卡口）信息",
     .direction = Direction::kUpload,
     .fields = kCldzFields,
     .partition_key = "xqbm"},
    {.platform = Platform::kCommunity,
     .name = "stk/zpjl",
     .http_method = "POST",
     .http_path = "/api/v1/stk/zpjl",
     .title = "人脸抓拍记录信息",
     .direction = Direction::kUpload,
     .fields = kZpjlFields,
     .partition_key = "areaNo",
     .event_time = "snapTime",
     .dedup_key = {"areaNo", "snapNo", "snapTime"}},
    {.platform = Platform::kCommunity,
     .name = "stk/rytxjl",
     .http_method = "POST",
     .http_path = "/api/v1/stk/rytxjl",
     .title = "人员通行记录信息",
     .direction = Direction::kUpload,
     .fields = kRytxjlFields,
     .partition_key = "areaNo",
     .event_time = "accessTime",
     .dedup_key = {"areaNo", "accessControlNo", "cardNo", "accessTime"}},
    {.platform = Platform::kCommunity,
     .name = "stk/cltxjl",
     .http_method = "POST",
     .http_path = "/api/v1/stk/cltxjl",
     .title = "车辆通行记录信息",
     .direction = Direction::kUpload,
     .fields = kCltxjlFields,
     .partition_key = "areaNo",
     .event_time = "accessTime",
     .dedup_key = {"areaNo", "gateNo", "carNo", "accessTime"}},
    // No time in the record: the status holds as of the request, whose time
    // is the server's clock at receipt (the envelope has none). That is not
    // an event time: as one it would move the shard's watermark to the
    // server's present, making a backlog of other lots and communities late
    // and aging their dedup keys out, so a resend counted again in `serve`
    // and not in a replay. Without one the report ages by its request time.
    {.platform = Platform::kCommunity,
     .name = "stk/sbzt",
     .http_method = "POST",
     .http_path = "/api/v1/stk/sbzt",
     .title = "设备状态",
     .direction = Direction::kUpload,
     .fields = kSbztFields,
     .partition_key = "areaNo",
     .dedup_key = {"areaNo", "deviceID", kEnvelopeTs}},
};

}  // namespace

std::span<const InterfaceSpec> CommunityInterfaces() { return kInterfaces; }

}  // namespace civicflow::ingest
