// Performance ticketing platform (performance-ticketing-interface.ocr.txt, appendix A.3).
// The source is an OCR scan: field names, types and lengths are read from the table columns; the
// Chinese headings and descriptions are mostly lost, so titles, presence and value domains follow the
// readable fragments (see README.md). Every call except getAccessToken carries `accessToken` in the
// body; it is authentication, not payload, and is not modelled.
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

// Table A.4: getAccessToken request.
constexpr FieldSpec kGetAccessTokenFields[] = {
    {.name = "appId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "secret", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
};

// Table A.10: venue list query; every filter is optional, paging has defaults.
constexpr FieldSpec kVenueListFields[] = {
    {.name = "provinceId",
     .type = FieldType::kLong,
     .presence = Presence::kOptional,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "cityId",
     .type = FieldType::kLong,
     .presence = Presence::kOptional,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "districtId",
     .type = FieldType::kLong,
     .presence = Presence::kOptional,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "pageNo", .type = FieldType::kInt, .presence = Presence::kOptional, .max_length = 8, .min = 1},
    // Scan: "B 52 B K 200": read as at most 200 per page.
    {.name = "pageSize",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .max_length = 8,
     .min = 1,
     .max = 200},
    {.name = "venueName", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 50},
};

// Table A.13: save (create or update) a venue and its hall.
constexpr FieldSpec kVenueSaveFields[] = {
    // Scan: "1 B iy T, N HE": read as empty when creating, required when updating.
    {.name = "venueCode", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 9},
    {.name = "provinceId",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "cityId",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "districtId",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .format = Format::kRegionCode},
    {.name = "venueName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "venueAddress", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 200},
    // Scan: "REABITOT, 1H": read as 0 no hall, 1 has hall (like hasSeat).
    {.name = "hasHall",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
    {.name = "hallName", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 50},
    {.name = "hasSeat",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
    {.name = "seatNum",
     .type = FieldType::kInt,
     .presence = Presence::kConditional,
     .max_length = 8,
     .min = 0},
    {.name = "seatingCapacity",
     .type = FieldType::kInt,
     .presence = Presence::kConditional,
     .max_length = 8,
     .min = 0},
};

// Table A.16 sessionList element.
constexpr FieldSpec kCodeSessionFields[] = {
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Length "9,11": a venueCode (9) where the venue has no hall, else a hallCode (11).
    {.name = "hallCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 11},
    {.name = "sessionStartTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "sessionEndTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "seatingChart",
     .type = FieldType::kString,
     .presence = Presence::kConditional,
     .max_length = 200,
     .format = Format::kUrl},
    {.name = "hasSeat",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
    // Scan: "Fric, 0:1EZC, 104k": two values 0 / 1.
    {.name = "tag",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
};

// Table A.16: register a performance with its sessions; answers sessionId -> sessionCode.
constexpr FieldSpec kPerformanceCodeFields[] = {
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "performanceName",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 100},
    // Scan: "TS &, ARG wAE": presence unreadable; not every performance has an approval document.
    {.name = "approval", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 50},
    {.name = "typeId", .type = FieldType::kInt, .presence = Presence::kMandatory, .max_length = 4},
    {.name = "posterUrl",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 512,
     .format = Format::kUrl},
    // Spec type "Text".
    {.name = "performanceDesc",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 10000},
    {.name = "sponsor", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 200},
    {.name = "performer", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "sessionList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kCodeSessionFields},
};

// Table A.19: performance master data update.
constexpr FieldSpec kPerformanceUpdateFields[] = {
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "performanceName",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 100},
    {.name = "performanceDesc",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 10000},
    {.name = "typeId", .type = FieldType::kInt, .presence = Presence::kMandatory, .max_length = 4},
    {.name = "posterUrl",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 200,
     .format = Format::kUrl},
    {.name = "sponsor", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 200},
    {.name = "performer", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "approval", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 50},
};

// Table A.22: session master data update.
constexpr FieldSpec kSessionUpdateFields[] = {
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "sessionName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Spec type misspelt "dataTime".
    {.name = "sessionStartTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "sessionEndTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "hallCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 11},
    {.name = "hasSeat",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Scan: "WUCIRAS, 1IEH, 2 BUY": two values 1 / 2 (read as normal / cancelled).
    {.name = "sessionStatus",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2"},
    {.name = "tag",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "0|1"},
    {.name = "seatingChart",
     .type = FieldType::kString,
     .presence = Presence::kConditional,
     .max_length = 200,
     .format = Format::kUrl},
};

// Table A.25 (continued) priceList element: one price tier of the session.
constexpr FieldSpec kInventoryPriceFields[] = {
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "priceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Row numbered "4" in the scan but among the continued element rows: read as an element field.
    {.name = "priceName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
    {.name = "ticketPrice",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .min = 0},
    {.name = "availableInventory",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 8,
     .min = 0},
    {.name = "unavailableInventory",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 8,
     .min = 0},
};

// Table A.25: inventory per price tier.
constexpr FieldSpec kInventoryFields[] = {
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "priceList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kInventoryPriceFields},
};

// Table A.28 ticketList element: one ticket (seat) of the price tier.
constexpr FieldSpec kTicketElementFields[] = {
    {.name = "ticketId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Scan: "enaeE, 1. af, 2. Ak": two values 1 / 2 (on sale / not on sale).
    {.name = "availableSale",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2"},
    // Seat cells garbled ("= H BE M"): read as required only for seated sessions.
    {.name = "floorName", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 10},
    {.name = "areaName", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 10},
    {.name = "rowName", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 10},
    {.name = "seatNo", .type = FieldType::kString, .presence = Presence::kConditional, .max_length = 10},
};

// Table A.28: tickets of one price tier.
constexpr FieldSpec kTicketFields[] = {
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "priceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "ticketList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kTicketElementFields},
};

// Table A.31 ticketOrderList element: one ticket of the order.
constexpr FieldSpec kOrderTicketFields[] = {
    {.name = "ticketOrderId",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 100},
    {.name = "performanceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "priceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "ticketPrice",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .min = 0},
    {.name = "ticketId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "ticketOrderAmount",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .min = 0},
};

// Table A.31: a sales order.
constexpr FieldSpec kOrderFields[] = {
    {.name = "orderId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
    {.name = "orderTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    // Scan: "A, 1 i, 208": two values 1 / 2.
    {.name = "channelType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2"},
    {.name = "channelName", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 30},
    {.name = "ticketNum",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 8,
     .min = 0},
    {.name = "totalAmount",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .min = 0},
    // Scan: "ERM 1 BRI, 2. TS, 3. IR": three values.
    {.name = "ticketType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2|3"},
    // Scan: "BT, 1R, 2 iR": two values.
    {.name = "ticketMode",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2"},
    // Scan: "BT, 1Ak, 2 —F—iE, 3 —FE—iE": three values (2 one ID per order, 3 one ID per ticket).
    {.name = "authMode",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2|3"},
    {.name = "ticketOrderList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kOrderTicketFields},
};

// Table A.34 ticketOrderList element: one refunded ticket.
constexpr FieldSpec kRefundTicketFields[] = {
    {.name = "ticketOrderId",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 100},
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "ticketId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "refundAmount",
     .type = FieldType::kLong,
     .presence = Presence::kMandatory,
     .max_length = 20,
     .min = 0},
};

// Table A.34: a refund order.
constexpr FieldSpec kRefundOrderFields[] = {
    {.name = "refundOrderId",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 100},
    {.name = "orderId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 100},
    {.name = "reason", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 200},
    {.name = "refundOrderTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    // Spec type "JSON" (elsewhere "JSON text").
    {.name = "ticketOrderList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kRefundTicketFields},
};

// Table A.37 ticketList element: one ticket check.
constexpr FieldSpec kCheckingTicketFields[] = {
    {.name = "ticketId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "sessionId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    {.name = "priceId", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 50},
    // Row numbered "3" in the scan but placed among the element rows: read as an element field.
    {.name = "sessionCode", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 21},
    {.name = "checkingTime", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    // Scan: "R, 1 4T, 2 SMIE, 3 400": three values.
    {.name = "checkingType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2|3"},
    // Scan: "mgA, 1 54, 2 4": two values.
    {.name = "authType",
     .type = FieldType::kInt,
     .presence = Presence::kMandatory,
     .max_length = 4,
     .enum_values = "1|2"},
};

// Table A.37: ticket checks.
constexpr FieldSpec kCheckingFields[] = {
    {.name = "ticketList",
     .type = FieldType::kList,
     .presence = Presence::kMandatory,
     .children = kCheckingTicketFields},
};

// Titles: the scan lost the Chinese headings; they are rebuilt from the terms of chapter 3
// and the readable fragments of each section heading.
constexpr InterfaceSpec kInterfaces[] = {
    {.platform = Platform::kTicketing,
     .name = "getAccessToken",
     .http_method = "POST",
     .http_path = "/getAccessToken",
     .title = "获取accessToken",
     .direction = Direction::kAuth,
     .fields = kGetAccessTokenFields,
     .partition_key = "appId"},
    {.platform = Platform::kTicketing,
     .name = "standard/performance/type/list",
     .http_method = "GET",
     .http_path = "/standard/performance/type/list",
     .title = "演出类型列表查询",
     .direction = Direction::kQuery,
     .fields = {}},  // Table A.7: accessToken only, no payload.
    {.platform = Platform::kTicketing,
     .name = "standard/venue/list",
     .http_method = "POST",
     .http_path = "/standard/venue/list",
     .title = "演出场所列表查询",
     .direction = Direction::kQuery,
     .fields = kVenueListFields},
    // Answers the assigned venueCode / hallCode, like performance/code.
    {.platform = Platform::kTicketing,
     .name = "standard/venue/save",
     .http_method = "POST",
     .http_path = "/standard/venue/save",
     .title = "演出场所场地保存",
     .direction = Direction::kQuery,
     .fields = kVenueSaveFields,
     .partition_key = "districtId"},
    {.platform = Platform::kTicketing,
     .name = "performance/code",
     .http_method = "POST",
     .http_path = "/performance/code",
     .title = "演出场次编码获取",
     .direction = Direction::kQuery,
     .fields = kPerformanceCodeFields,
     .partition_key = "performanceId"},
    {.platform = Platform::kTicketing,
     .name = "report/performance/update",
     .http_method = "POST",
     .http_path = "/report/performance/update",
     .title = "演出项目信息更新上报",
     .direction = Direction::kUpload,
     .fields = kPerformanceUpdateFields,
     .partition_key = "performanceId"},
    {.platform = Platform::kTicketing,
     .name = "report/session/update",
     .http_method = "POST",
     .http_path = "/report/session/update",
     .title = "演出场次信息更新上报",
     .direction = Direction::kUpload,
     .fields = kSessionUpdateFields,
     .partition_key = "sessionCode"},
    // A stock snapshot per price tier: upserted like master data.
    {.platform = Platform::kTicketing,
     .name = "report/inventory",
     .http_method = "POST",
     .http_path = "/report/inventory",
     .title = "票价库存信息上报",
     .direction = Direction::kUpload,
     .fields = kInventoryFields,
     .record_list = "priceList",
     .partition_key = "sessionCode"},
    {.platform = Platform::kTicketing,
     .name = "report/ticket",
     .http_method = "POST",
     .http_path = "/report/ticket",
     .title = "票品信息上报",
     .direction = Direction::kUpload,
     .fields = kTicketFields,
     .record_list = "ticketList",
     .partition_key = "sessionCode"},
    {.platform = Platform::kTicketing,
     .name = "report/order",
     .http_method = "POST",
     .http_path = "/report/order",
     .title = "售票订单信息上报",
     .direction = Direction::kUpload,
     .fields = kOrderFields,
     .record_list = "ticketOrderList",
     .partition_key = "sessionCode",
     .event_time = "orderTime",
     .dedup_key = {"orderId", "ticketOrderId"}},
    {.platform = Platform::kTicketing,
     .name = "report/refundOrder",
     .http_method = "POST",
     .http_path = "/report/refundOrder",
     .title = "退票订单信息上报",
     .direction = Direction::kUpload,
     .fields = kRefundOrderFields,
     .record_list = "ticketOrderList",
     .partition_key = "sessionCode",
     .event_time = "refundOrderTime",
     .dedup_key = {"refundOrderId", "ticketOrderId"}},
    {.platform = Platform::kTicketing,
     .name = "report/checking",
     .http_method = "POST",
     .http_path = "/report/checking",
     .title = "验票信息上报",
     .direction = Direction::kUpload,
     .fields = kCheckingFields,
     .record_list = "ticketList",
     .partition_key = "sessionCode",
     .event_time = "checkingTime",
     .dedup_key = {"ticketId", "checkingTime"}},
};

}  // namespace

std::span<const InterfaceSpec> TicketingInterfaces() { return kInterfaces; }

}  // namespace civicflow::ingest
