#include "ingest/platforms/orienteering/login_desk.h"

#include <climits>

#include "ingest/crypto/crypto.h"
#include "ingest/http/account_state.h"
#include "ingest/http/same_secret.h"

namespace civicflow::ingest::http {
namespace {

std::string MobileKey(std::string_view country_code, std::string_view mobile) {
  std::string key(country_code);
  key += ':';
  key += mobile;
  return key;
}

}  // namespace

LoginDesk::LoginDesk(const std::vector<OrienteeringAccount>& accounts, const Clock& clock,
                     int64_t access_lifetime_ms)
    : accounts_(accounts),
      clock_(clock),
      access_(clock, access_lifetime_ms, accounts.size()),
      refresh_(clock, kRefreshLifetimeMs, accounts.size()),
      code_sent_ms_(accounts.size(), INT64_MIN),
      client_types_(accounts.size()) {
  for (size_t i = 0; i < accounts_.size(); ++i) {
    const std::string key = MobileKey(accounts_[i].country_code, accounts_[i].mobile);
    account_by_mobile_.emplace(key, i);
    user_ids_.push_back("usr_" + crypto::HexEncode(crypto::Md5(key)).substr(0, 16));
  }
}

std::optional<size_t> LoginDesk::AccountOf(std::string_view country_code, std::string_view mobile) const {
  const auto it = account_by_mobile_.find(MobileKey(country_code, mobile));
  if (it == account_by_mobile_.end()) return std::nullopt;
  return it->second;
}

int64_t LoginDesk::SendCode(std::string_view country_code, std::string_view mobile) {
  const std::optional<size_t> account = AccountOf(country_code, mobile);
  if (!account) return 0;
  const int64_t now = clock_.NowMs();
  std::unique_lock lock(mutex_);
  int64_t& sent = code_sent_ms_[*account];
  if (sent != INT64_MIN && now - sent < kCooldownS * 1000)
    return (sent + kCooldownS * 1000 - now + 999) / 1000;
  sent = now;
  return 0;
}

std::optional<LoginDesk::Grant> LoginDesk::LoginWithSms(std::string_view country_code,
                                                        std::string_view mobile, std::string_view sms_code,
                                                        std::string_view client_type) {
  const std::optional<size_t> account = AccountOf(country_code, mobile);
  if (!account || !SameSecret(accounts_[*account].sms_code, sms_code)) return std::nullopt;
  const int64_t now = clock_.NowMs();
  {
    std::unique_lock lock(mutex_);
    const int64_t sent = code_sent_ms_[*account];
    if (sent == INT64_MIN || now - sent >= kCodeLifetimeS * 1000) return std::nullopt;
    client_types_[*account] = std::string(client_type);
  }
  return Grant{*account, access_.Issue(*account), refresh_.Issue(*account)};
}

std::optional<LoginDesk::Grant> LoginDesk::Refresh(std::string_view refresh_token,
                                                   std::string_view client_type) {
  const std::optional<size_t> account = refresh_.Check(refresh_token);
  if (!account || ClientTypeOf(*account) != client_type) return std::nullopt;
  return Grant{*account, access_.Issue(*account), {}};
}

std::string LoginDesk::ClientTypeOf(size_t account) const {
  std::shared_lock lock(mutex_);
  return client_types_[account];
}

void LoginDesk::SaveState(StateWriter& out) const {
  PutAccountNames(out, accounts_, [](const OrienteeringAccount& account) {
    return MobileKey(account.country_code, account.mobile);
  });
  access_.SaveState(out);
  refresh_.SaveState(out);
  std::shared_lock lock(mutex_);
  out.Section("logins");
  out.PutVector(code_sent_ms_);
  for (const std::string& client_type : client_types_) out.PutText(client_type);
}

AccountMap LoginDesk::LoadState(StateReader& in) {
  AccountMap accounts = ReadAccountMap(in, accounts_, [](const OrienteeringAccount& account) {
    return MobileKey(account.country_code, account.mobile);
  });
  if (in.failed()) return accounts;
  access_.LoadState(in, accounts);
  refresh_.LoadState(in, accounts);
  in.Section("logins");
  const std::vector<int64_t> saved_code_sent_ms = in.GetVector<int64_t>();
  if (saved_code_sent_ms.size() != accounts.saved_accounts() && !in.failed())
    in.Fail("logins of another number of accounts than the state lists");
  std::vector<int64_t> code_sent_ms(accounts_.size(), INT64_MIN);
  std::vector<std::string> client_types(accounts_.size());
  for (size_t saved = 0; saved < saved_code_sent_ms.size() && !in.failed(); ++saved) {
    const std::string_view client_type = in.GetText();
    if (const std::optional<size_t> account = accounts.CurrentOf(saved)) {
      code_sent_ms[*account] = saved_code_sent_ms[saved];
      client_types[*account] = client_type;
    }
  }
  if (in.failed()) return accounts;
  std::unique_lock lock(mutex_);
  code_sent_ms_ = std::move(code_sent_ms);
  client_types_ = std::move(client_types);
  return accounts;
}

}  // namespace civicflow::ingest::http
