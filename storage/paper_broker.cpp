#include "storage/paper_broker.hpp"

#include <cmath>
#include <limits>

namespace tn::storage {

namespace {

constexpr int64_t kPpb = 1'000'000'000;
constexpr long double kMaxAmount = static_cast<long double>(std::numeric_limits<Amount>::max());

OrderResult reject(OrderResult r, std::string why) {
  r.filled = false;
  r.reject_reason = std::move(why);
  r.quantity = r.value = r.fee = 0;
  return r;
}

}  // namespace

Status validate_rules(const LedgerRules& rules) {
  if (rules.min_trade_value < 0)
    return make_error(Errc::invalid_input, "ledger rules: min_trade_value must not be negative");
  if (!std::isfinite(rules.fee_rate) || rules.fee_rate < 0 || rules.fee_rate >= 1)
    return make_error(Errc::invalid_input, "ledger rules: fee_rate must be in [0, 1), got " +
                                               std::to_string(rules.fee_rate));
  return Status::OK();
}

Amount fee_for(Amount value, double fee_rate) {
  if (value <= 0 || !(fee_rate > 0)) return 0;
  const auto ppb = static_cast<__int128>(std::llround(fee_rate * kPpb));
  return static_cast<Amount>(static_cast<__int128>(value) * ppb / kPpb);
}

OrderResult evaluate_order(const OrderRequest& req, const LedgerRules& rules, Amount quote_balance,
                           Amount base_balance) {
  OrderResult r;
  r.request = req;
  r.quote_after = quote_balance;
  r.base_after = base_balance;
  const std::string& q = req.quote;

  if (req.side != kBuy && req.side != kSell) return reject(r, "unknown side '" + req.side + "'");
  if (!std::isfinite(req.price) || req.price <= 0) return reject(r, "invalid price");

  if (req.side == kBuy) {
    if (req.quote_amount < rules.min_trade_value || req.quote_amount <= 0)
      return reject(r, "below minimum trade value (" + format_amount(req.quote_amount) + " < " +
                           format_amount(rules.min_trade_value) + " " + q + ")");
    const Amount fee = fee_for(req.quote_amount, rules.fee_rate);
    const __int128 need = static_cast<__int128>(req.quote_amount) + fee;
    if (need > quote_balance) {
      const bool fits = need <= std::numeric_limits<Amount>::max();
      return reject(r, "insufficient balance (need " +
                           (fits ? format_amount(static_cast<Amount>(need)) : std::string("more")) +
                           ", have " + format_amount(quote_balance) + " " + q + ")");
    }
    if (static_cast<long double>(req.quote_amount) / req.price > kMaxAmount)
      return reject(r, "quantity out of range");
    const Amount qty = quantity_for(req.quote_amount, req.price);
    if (qty <= 0) return reject(r, "quantity rounds to zero");
    Amount base_after = 0;
    if (__builtin_add_overflow(base_balance, qty, &base_after))
      return reject(r, "position out of range in " + req.base);
    r.filled = true;
    r.quantity = qty;
    r.value = req.quote_amount;
    r.fee = fee;
    r.quote_after = quote_balance - static_cast<Amount>(need);
    r.base_after = base_after;
    return r;
  }

  // SELL: close the whole position.
  if (base_balance <= 0) return reject(r, "no position in " + req.base);
  if (static_cast<long double>(base_balance) * req.price > kMaxAmount)
    return reject(r, "value out of range");
  const Amount value = value_at(base_balance, req.price);
  const Amount fee = fee_for(value, rules.fee_rate);
  Amount quote_after = 0;
  if (__builtin_add_overflow(quote_balance, value - fee, &quote_after))
    return reject(r, "balance out of range in " + q);
  r.filled = true;
  r.quantity = base_balance;
  r.value = value;
  r.fee = fee;
  r.quote_after = quote_after;
  r.base_after = 0;
  return r;
}

}  // namespace tn::storage
