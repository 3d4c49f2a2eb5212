// Registry table of the Shenzhen public smart parking platform
// (shenzhen-parking-interface.txt, tables 2-26 and appendices B-F). Fields are
// one element of the envelope's `data` array; timestamp/sign/version and the
// authorization header are the adapter's business, not fields.
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

// Appendix B (服务属性), C (号牌种类, codes 01-99 sent as Int), D (车辆颜色), E (号牌颜色).
constexpr std::string_view kServiceTypes = "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17";
constexpr std::string_view kCarModels =
    "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|27|31|32|41|42|43|51|52|99";
constexpr std::string_view kCarColors = "1|2|3|4|5|6|7|8";
constexpr std::string_view kPlateColors = "1|2|3|4|5|6";

// Table 2 安全认证请求数据.
constexpr FieldSpec kLoginFields[] = {
    {.name = "userId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "password", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 64},
};

// Table 4 心跳请求数据 (the Authorization row is the request header).
constexpr FieldSpec kHeartBeatsFields[] = {
    // Type column says String; the example is "2024-01-01 23:59:00".
    {.name = "requestTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    // Not in the spec: the lot is known from the access token. Filled by civicflow from the
    // authenticated session; archives carry it.
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kConditional,
     .max_length = 32,
     .format = Format::kHex32},
};

// Table 7 停车场（库）经营信息.
constexpr FieldSpec kPublicInfoFields[] = {
    {.name = "type", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "1|2|3|4"},
    {.name = "startTime", .type = FieldType::kTime, .presence = Presence::kMandatory},
    {.name = "endTime", .type = FieldType::kTime, .presence = Presence::kMandatory},
    // Required for type 4; typed DateTime (19) although the example shows "2023-04-19".
    {.name = "startDateTime", .type = FieldType::kDateTime, .presence = Presence::kConditional},
    // Required for type 4; typed DateTime (19) although the example shows "2023-04-19".
    {.name = "endDateTime", .type = FieldType::kDateTime, .presence = Presence::kConditional},
};

// Table 6 停车场（库）上报请求数据.
constexpr FieldSpec kParkInfoFields[] = {
    {.name = "parkName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 255},
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    // Marked 是, but the text says non-operating lots do not provide it.
    {.name = "permitNo", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 100},
    {.name = "parkType", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "0|1|2"},
    {.name = "address", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 255},
    {.name = "longitude",
     .type = FieldType::kDouble,
     .presence = Presence::kMandatory,
     .min = -180,
     .max = 180},
    {.name = "latitude", .type = FieldType::kDouble, .presence = Presence::kMandatory, .min = -90, .max = 90},
    {.name = "areaCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 50,
     .format = Format::kRegionCode},
    {.name = "serviceType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .enum_values = kServiceTypes},
    {.name = "bizStatus", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "0|1"},
    {.name = "totalSpaces", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "monthCardSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "fixedSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "tempSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "totalCharingSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "reservable", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "0|1"},
    {.name = "reservableSpaces", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    // Name split over two lines in the text: "totalReservableCha" + "ringSpaces".
    {.name = "totalReservableCharingSpaces",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .min = 0},
    {.name = "imageId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "chargeDesc", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 255},
    // Length column shows 200 for the list; element count is not limited here.
    {.name = "publicInfos",
     .type = FieldType::kList,
     .presence = Presence::kOptional,
     .children = kPublicInfoFields},
    {.name = "contacts", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 50},
    {.name = "tel", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 20},
    {.name = "committeeInfo", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = "0|1"},
    {.name = "structuralType",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .enum_values = "1|2|3|4|5"},
    {.name = "structuralPhotoId",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 255},
    {.name = "mapImageId", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 32},
    // Name split over two lines in the text: "parkingSpaceImageI" + "d".
    {.name = "parkingSpaceImageId",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 32},
    {.name = "photoIds", .type = FieldType::kStringList, .presence = Presence::kOptional},
};

// Table 9 出入口上报请求数据.
constexpr FieldSpec kEntranceExitInfoFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "name", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 20},
    // Length column "6-32": the minimum of 6 is not expressible.
    {.name = "entranceExitCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32},
    {.name = "type", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "1|2|3"},
    {.name = "longitude",
     .type = FieldType::kDouble,
     .presence = Presence::kMandatory,
     .min = -180,
     .max = 180},
    {.name = "latitude", .type = FieldType::kDouble, .presence = Presence::kMandatory, .min = -90, .max = 90},
    {.name = "status", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "1|2|3"},
    {.name = "roadName", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 10},
};

// Table 11 车辆入场记录上报请求数据.
constexpr FieldSpec kEnterRecordFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "id",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "plateNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kPlate},
    {.name = "enterTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "entryCarPhotoId",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32},
    {.name = "entranceCode", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "entranceName", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "carModel", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarModels},
    {.name = "carColor", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarColors},
    {.name = "plateColor",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .enum_values = kPlateColors},
    // Required for reserved vehicles.
    {.name = "bookCode", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 32},
};

// Table 13 车辆出场记录上报请求数据; `id` is the id of the matching enter record.
constexpr FieldSpec kExitRecordFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "id",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "plateNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kPlate},
    {.name = "leaveTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "exitCarPhotoId", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "exitCode", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "exitName", .type = FieldType::kString, .presence = Presence::kOptional},
    {.name = "carModel", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarModels},
    {.name = "carColor", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarColors},
    {.name = "plateColor",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .enum_values = kPlateColors},
    // Required for reserved vehicles.
    {.name = "bookCode", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 32},
};

// Table 15 公共图片上报请求数据: multipart form fields; the `file` part (100-500 KB) is not a field.
constexpr FieldSpec kPictureFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "fileName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
    {.name = "imageBizType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .enum_values = "1|2|3|4|5"},
    {.name = "timestamp", .type = FieldType::kEpochMillis, .presence = Presence::kMandatory},
    {.name = "pickTime", .type = FieldType::kEpochMillis, .presence = Presence::kMandatory},
};

// Table 17 车位数动态上报请求数据.
constexpr FieldSpec kParkSpaceInfoFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "usedStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "reservedStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    // Name split over two lines in the text: "usedCharingStall" + "s".
    {.name = "usedCharingStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "unusedStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    // Name split over two lines in the text: "unusedReservable" + "Stalls".
    {.name = "unusedReservableStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    // Name split over two lines in the text: "unusedCharingSta" + "lls".
    {.name = "unusedCharingStalls", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    // Name split over two lines in the text: "unusedMonthCardS" + "paces".
    {.name = "unusedMonthCardSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    // Name split over two lines in the text: "unusedFixedSpace" + "s".
    {.name = "unusedFixedSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "unusedTempSpaces", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
};

// Table 19 预约停车请求数据.
constexpr FieldSpec kReservationFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "bookCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "plateNo",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kPlate},
    {.name = "bookTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "overTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    // Minutes.
    {.name = "obligatTime", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "bookType", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "0|1"},
    {.name = "spaceType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 1,
     .enum_values = "0|1|2"},
    {.name = "operateType", .type = FieldType::kInt, .presence = Presence::kMandatory, .enum_values = "1|2"},
    {.name = "carModel", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarModels},
    {.name = "carColor", .type = FieldType::kInt, .presence = Presence::kOptional, .enum_values = kCarColors},
    {.name = "plateColor",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .enum_values = kPlateColors},
};

// Table 21 取消预约请求数据.
constexpr FieldSpec kCancelReservationFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "bookCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
};

// Table 23 停车场（库）车辆上报请求数据; plateNoList is one comma-separated string.
constexpr FieldSpec kParkCarInfoFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    {.name = "plateNoList", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// Table 25 拉取补报车辆上报请求数据.
constexpr FieldSpec kReplenishCarInfoFields[] = {
    {.name = "parkCode",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 32,
     .format = Format::kHex32},
    // Type column says String(10); the example is "2023-09-25".
    {.name = "queryDate", .type = FieldType::kDate, .presence = Presence::kMandatory},
    {.name = "currentPage", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 1},
    {.name = "pageSize", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 1, .max = 50},
};

// Table 30 接口清单. The spec leaves the 错峰 (off-peak) interfaces to agreement between the
// platforms ("不在本文件作详细规定"); they have no tables, so none are listed.
constexpr InterfaceSpec kInterfaces[] = {
    {.platform = Platform::kParking,
     .name = "login",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/login",
     .title = "安全认证",
     .direction = Direction::kAuth,
     .fields = kLoginFields},
    {.platform = Platform::kParking,
     .name = "heartBeats",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/heartBeats",
     .title = "心跳",
     .direction = Direction::kAuth,
     .fields = kHeartBeatsFields,
     .partition_key = "parkCode",
     .event_time = "requestTime"},
    {.platform = Platform::kParking,
     .name = "parkInfo",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/parkInfo",
     .title = "停车场（库）数据上报",
     .direction = Direction::kUpload,
     .fields = kParkInfoFields,
     .partition_key = "parkCode"},
    {.platform = Platform::kParking,
     .name = "entranceExitInfo",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/entranceExitInfo",
     .title = "出入口数据上报",
     .direction = Direction::kUpload,
     .fields = kEntranceExitInfoFields,
     .partition_key = "parkCode"},
    {.platform = Platform::kParking,
     .name = "enterRecord",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/enterRecord",
     .title = "车辆入场记录上报",
     .direction = Direction::kUpload,
     .fields = kEnterRecordFields,
     .partition_key = "parkCode",
     .event_time = "enterTime",
     .dedup_key = {"parkCode", "id"}},
    {.platform = Platform::kParking,
     .name = "exitRecord",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/exitRecord",
     .title = "车辆出场记录上报",
     .direction = Direction::kUpload,
     .fields = kExitRecordFields,
     .partition_key = "parkCode",
     .event_time = "leaveTime",
     .dedup_key = {"parkCode", "id"}},
    {.platform = Platform::kParking,
     .name = "picture",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/picture",
     .title = "公共图片数据上报",
     .direction = Direction::kUpload,
     .fields = kPictureFields,
     .partition_key = "parkCode",
     .event_time = "pickTime"},
    {.platform = Platform::kParking,
     .name = "parkSpaceInfo",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/parkSpaceInfo",
     .title = "车位数动态数据上报",
     .direction = Direction::kUpload,
     .fields = kParkSpaceInfoFields,
     .partition_key = "parkCode",
     .event_time = kEnvelopeTs,
     .dedup_key = {"parkCode", kEnvelopeTs}},
    {.platform = Platform::kParking,
     .name = "reservation",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/reservation",
     .title = "预约停车数据下发",
     .direction = Direction::kUpload,
     .fields = kReservationFields,
     .partition_key = "parkCode",
     .event_time = "bookTime",
     .dedup_key = {"parkCode", "bookCode"}},
    {.platform = Platform::kParking,
     .name = "cancelReservation",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/cancelReservation",
     .title = "取消预约数据下发",
     .direction = Direction::kUpload,
     .fields = kCancelReservationFields,
     .partition_key = "parkCode",
     .dedup_key = {"parkCode", "bookCode"}},
    {.platform = Platform::kParking,
     .name = "parkCarInfo",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/parkCarInfo",
     .title = "停车场（库）车辆数据上报",
     .direction = Direction::kUpload,
     .fields = kParkCarInfoFields,
     .partition_key = "parkCode",
     .event_time = kEnvelopeTs,
     .dedup_key = {"parkCode", kEnvelopeTs}},
    {.platform = Platform::kParking,
     .name = "replenishCarInfo",
     .http_method = "POST",
     .http_path = "/dataReceive/v1/replenishCarInfo",
     .title = "拉取补报车辆数据上报",
     .direction = Direction::kQuery,
     .fields = kReplenishCarInfoFields,
     .partition_key = "parkCode"},
};

}  // namespace

std::span<const InterfaceSpec> ParkingInterfaces() { return kInterfaces; }

}  // namespace civicflow::ingest
