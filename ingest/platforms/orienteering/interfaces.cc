// Orienteering app client API (orienteering-client-api.txt), base path /client/v1.
// The document specifies the auth and launch calls; the session data plane (session-uploads,
// punches, finish and the session reads) is only reserved there ("not ready"), so its fields are
// civicflow's design, built from what launch returns (session_id, participant_id, event_id,
// event_release_id, route_code) and from the body profile (heart rates). `Authorization: Bearer`
// and the session token are transport, not payload. Path parameters ({session_id} …) are copied
// into the record by the adapter, so they are fields here.
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

// POST auth/sms/send.
constexpr FieldSpec kSmsSendFields[] = {
    // Only "client_login" is in use today; not closed as an enum.
    {.name = "scene", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "country_code",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .format = Format::kDigits},
    // Mobile with a country code: not necessarily a mainland 11-digit number.
    {.name = "mobile",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .format = Format::kDigits},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// POST auth/login/sms.
constexpr FieldSpec kLoginSmsFields[] = {
    {.name = "login_request_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "country_code",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .format = Format::kDigits},
    {.name = "mobile",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .format = Format::kDigits},
    {.name = "sms_code",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .format = Format::kDigits},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// POST auth/login/wechat.
constexpr FieldSpec kLoginWechatFields[] = {
    {.name = "login_request_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "wechat_login_code", .type = FieldType::kString, .presence = Presence::kMandatory},
    // "建议传 wechat": a recommendation, so both client types are accepted.
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory},
};

// POST auth/refresh.
constexpr FieldSpec kRefreshFields[] = {
    {.name = "refresh_token", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
};

// POST competitions/{competition_id}/events/{event_id}/launch.
constexpr FieldSpec kCompetitionLaunchFields[] = {
    {.name = "competition_id", .type = FieldType::kString, .presence = Presence::kMandatory},  // path
    {.name = "event_id", .type = FieldType::kString, .presence = Presence::kMandatory},        // path
    {.name = "launch_request_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
    {.name = "release_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "route_code", .type = FieldType::kString, .presence = Presence::kOptional},
};

// POST events/{event_id}/launch.
constexpr FieldSpec kEventLaunchFields[] = {
    {.name = "event_id", .type = FieldType::kString, .presence = Presence::kMandatory},  // path
    {.name = "launch_request_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .enum_values = "app|wechat"},
    {.name = "release_id", .type = FieldType::kString, .presence = Presence::kMandatory},
    {.name = "route_code", .type = FieldType::kString, .presence = Presence::kOptional},
};

// session-uploads gps_points element: one GPS fix.
constexpr FieldSpec kGpsPointFields[] = {
    {.name = "recorded_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "latitude", .type = FieldType::kDouble, .presence = Presence::kMandatory, .min = -90, .max = 90},
    {.name = "longitude",
     .type = FieldType::kDouble,
     .presence = Presence::kMandatory,
     .min = -180,
     .max = 180},
    {.name = "altitude_m", .type = FieldType::kDouble, .presence = Presence::kOptional},
    {.name = "accuracy_m", .type = FieldType::kDouble, .presence = Presence::kOptional, .min = 0},
    {.name = "speed_mps", .type = FieldType::kDouble, .presence = Presence::kOptional, .min = 0},
};

// session-uploads heart_rate_samples element: one heart-rate reading.
constexpr FieldSpec kHeartRateSampleFields[] = {
    {.name = "recorded_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "bpm", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 20, .max = 250},
};

// POST session-uploads: one chunk of a session's recorded track and heart rate.
constexpr FieldSpec kSessionUploadFields[] = {
    {.name = "session_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 64},
    {.name = "upload_seq", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "event_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 64},
    {.name = "event_release_id",
     .type = FieldType::kString,
     .presence = Presence::kOptional,
     .max_length = 64},
    {.name = "participant_id", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 64},
    {.name = "route_code", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 64},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 128},
    {.name = "client_type",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 16,
     .enum_values = "app|wechat"},
    {.name = "started_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "ended_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "gps_points",
     .type = FieldType::kList,
     .presence = Presence::kOptional,
     .children = kGpsPointFields},
    {.name = "heart_rate_samples",
     .type = FieldType::kList,
     .presence = Presence::kOptional,
     .children = kHeartRateSampleFields},
};

// POST punches: one control-point punch.
constexpr FieldSpec kPunchFields[] = {
    {.name = "session_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 64},
    {.name = "event_id", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 64},
    {.name = "route_code", .type = FieldType::kString, .presence = Presence::kOptional, .max_length = 64},
    {.name = "control_code", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 32},
    {.name = "control_seq", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "punch_time", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "punch_method",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 16,
     .enum_values = "gps|qr|nfc|manual"},
    {.name = "latitude", .type = FieldType::kDouble, .presence = Presence::kOptional, .min = -90, .max = 90},
    {.name = "longitude",
     .type = FieldType::kDouble,
     .presence = Presence::kOptional,
     .min = -180,
     .max = 180},
    {.name = "accuracy_m", .type = FieldType::kDouble, .presence = Presence::kOptional, .min = 0},
    {.name = "heart_rate_bpm",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .min = 20,
     .max = 250},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 128},
};

// POST sessions/{session_id}/finish: the session's end and summary.
constexpr FieldSpec kFinishFields[] = {
    {.name = "session_id",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 64},  // path
    {.name = "finish_request_id",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 64},
    {.name = "started_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "finished_at", .type = FieldType::kDateTime, .presence = Presence::kMandatory},
    {.name = "finish_status",
     .type = FieldType::kString,
     .presence = Presence::kMandatory,
     .max_length = 16,
     .enum_values = "completed|abandoned|timeout"},
    {.name = "elapsed_sec", .type = FieldType::kInt, .presence = Presence::kMandatory, .min = 0},
    {.name = "distance_m", .type = FieldType::kDouble, .presence = Presence::kOptional, .min = 0},
    {.name = "punch_count", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 0},
    {.name = "avg_heart_rate_bpm",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .min = 20,
     .max = 250},
    {.name = "max_heart_rate_bpm",
     .type = FieldType::kInt,
     .presence = Presence::kOptional,
     .min = 20,
     .max = 250},
    {.name = "device_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 128},
};

// GET sessions/{session_id}/…: the path parameter is the whole request.
constexpr FieldSpec kSessionReadFields[] = {
    {.name = "session_id", .type = FieldType::kString, .presence = Presence::kMandatory, .max_length = 64},
};

// GET me/sessions: paged like maps and events (default 1 / 20, at most 50).
constexpr FieldSpec kMySessionsFields[] = {
    {.name = "page", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 1},
    {.name = "page_size", .type = FieldType::kInt, .presence = Presence::kOptional, .min = 1, .max = 50},
};

// Titles: the document names calls by path only (and the data plane by its error codes);
// these are short descriptions of each.
constexpr InterfaceSpec kInterfaces[] = {
    {.platform = Platform::kOrienteering,
     .name = "auth/sms/send",
     .http_method = "POST",
     .http_path = "/client/v1/auth/sms/send",
     .title = "发送短信验证码",
     .direction = Direction::kAuth,
     .fields = kSmsSendFields,
     .partition_key = "mobile"},
    {.platform = Platform::kOrienteering,
     .name = "auth/login/sms",
     .http_method = "POST",
     .http_path = "/client/v1/auth/login/sms",
     .title = "短信验证码登录",
     .direction = Direction::kAuth,
     .fields = kLoginSmsFields,
     .partition_key = "mobile"},
    {.platform = Platform::kOrienteering,
     .name = "auth/login/wechat",
     .http_method = "POST",
     .http_path = "/client/v1/auth/login/wechat",
     .title = "微信登录",
     .direction = Direction::kAuth,
     .fields = kLoginWechatFields,
     .partition_key = "device_id"},
    {.platform = Platform::kOrienteering,
     .name = "auth/refresh",
     .http_method = "POST",
     .http_path = "/client/v1/auth/refresh",
     .title = "刷新 access_token",
     .direction = Direction::kAuth,
     .fields = kRefreshFields},
    {.platform = Platform::kOrienteering,
     .name = "competitions/{competition_id}/events/{event_id}/launch",
     .http_method = "POST",
     .http_path = "/client/v1/competitions/{competition_id}/events/{event_id}/launch",
     .title = "赛事 Event 启动",
     .direction = Direction::kAuth,
     .fields = kCompetitionLaunchFields,
     .partition_key = "event_id"},
    {.platform = Platform::kOrienteering,
     .name = "events/{event_id}/launch",
     .http_method = "POST",
     .http_path = "/client/v1/events/{event_id}/launch",
     .title = "Event 地图直入启动",
     .direction = Direction::kAuth,
     .fields = kEventLaunchFields,
     .partition_key = "event_id"},
    {.platform = Platform::kOrienteering,
     .name = "session-uploads",
     .http_method = "POST",
     .http_path = "/client/v1/session-uploads",
     .title = "会话数据上传",
     .direction = Direction::kUpload,
     .fields = kSessionUploadFields,
     .partition_key = "session_id",
     .event_time = "started_at",
     .dedup_key = {"session_id", "upload_seq"}},
    {.platform = Platform::kOrienteering,
     .name = "punches",
     .http_method = "POST",
     .http_path = "/client/v1/punches",
     .title = "打点上报",
     .direction = Direction::kUpload,
     .fields = kPunchFields,
     .partition_key = "session_id",
     .event_time = "punch_time",
     .dedup_key = {"session_id", "control_code", "punch_time"}},
    {.platform = Platform::kOrienteering,
     .name = "sessions/{session_id}/finish",
     .http_method = "POST",
     .http_path = "/client/v1/sessions/{session_id}/finish",
     .title = "结束会话",
     .direction = Direction::kUpload,
     .fields = kFinishFields,
     .partition_key = "session_id",
     .event_time = "finished_at",
     .dedup_key = {"session_id"}},
    {.platform = Platform::kOrienteering,
     .name = "sessions/{session_id}/result",
     .http_method = "GET",
     .http_path = "/client/v1/sessions/{session_id}/result",
     .title = "会话成绩",
     .direction = Direction::kQuery,
     .fields = kSessionReadFields,
     .partition_key = "session_id"},
    {.platform = Platform::kOrienteering,
     .name = "sessions/{session_id}/replay-summary",
     .http_method = "GET",
     .http_path = "/client/v1/sessions/{session_id}/replay-summary",
     .title = "会话回放摘要",
     .direction = Direction::kQuery,
     .fields = kSessionReadFields,
     .partition_key = "session_id"},
    {.platform = Platform::kOrienteering,
     .name = "sessions/{session_id}/gps-track",
     .http_method = "GET",
     .http_path = "/client/v1/sessions/{session_id}/gps-track",
     .title = "会话 GPS 轨迹",
     .direction = Direction::kQuery,
     .fields = kSessionReadFields,
     .partition_key = "session_id"},
    {.platform = Platform::kOrienteering,
     .name = "sessions/{session_id}/heart-rate",
     .http_method = "GET",
     .http_path = "/client/v1/sessions/{session_id}/heart-rate",
     .title = "会话心率",
     .direction = Direction::kQuery,
     .fields = kSessionReadFields,
     .partition_key = "session_id"},
    {.platform = Platform::kOrienteering,
     .name = "me/sessions",
     .http_method = "GET",
     .http_path = "/client/v1/me/sessions",
     .title = "我的会话记录",
     .direction = Direction::kQuery,
     .fields = kMySessionsFields},
};

}  // namespace

std::span<const InterfaceSpec> OrienteeringInterfaces() { return kInterfaces; }

}  // namespace civicflow::ingest
