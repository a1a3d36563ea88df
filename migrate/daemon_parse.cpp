#include "migrate/daemon_parse.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "messages/orders.hpp"
#include "migrate/daemon_fields.hpp"

namespace tn::migrate {

std::string upper_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Status checked_add(Amount& to, Amount x, const std::string& what) {
  if (__builtin_add_overflow(to, x, &to)) return make_error(Errc::invalid_input, what + " is out of range");
  return Status::OK();
}

namespace {

Error at(const std::string& where, const std::string& column, const std::string& why) {
  return make_error(Errc::invalid_input, where + ": " + column + " " + why);
}

// A cell that must hold something.
Result<std::string> text_of(const Cell& c, const std::string& where, const std::string& column) {
  if (c.null || c.text.empty()) return at(where, column, "is empty");
  return c.text;
}

template <class T>
Result<T> field(Result<T> r, const std::string& where, const std::string& column) {
  if (!r) return at(where, column, r.error().message);
  return r;
}

// "7" < "10" for numeric ids, text order otherwise.
bool id_less(const std::string& a, const std::string& b) {
  auto numeric = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (numeric(a) && numeric(b) && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

Result<Order> parse_order(const DaemonOrder& row, size_t index, const std::string& quote) {
  auto id = text_of(row.id, "orders row " + std::to_string(index + 1), "id");
  if (!id) return id.error();
  Order o;
  o.id = *id;
  const std::string where = "orders id " + o.id;
  auto symbol = text_of(row.symbol, where, "symbol");
  auto side = text_of(row.side, where, "side");
  auto status = text_of(row.status, where, "status");
  auto quantity = text_of(row.quantity, where, "quantity");
  auto created = text_of(row.created_at, where, "created_at");
  for (auto* r : {&symbol, &side, &status, &quantity, &created})
    if (!*r) return r->error();
  auto side_v = field(parse_side(*side), where, "side");
  auto fate = field(parse_status(*status), where, "status");
  auto qty = field(parse_decimal_amount(*quantity), where, "quantity");
  auto time = field(parse_daemon_time(*created), where, "created_at");
  if (!side_v) return side_v.error();
  if (!fate) return fate.error();
  if (!qty) return qty.error();
  if (!time) return time.error();
  o.side = *side_v, o.fate = *fate, o.quantity = *qty, o.time_ms = *time;
  o.status = *status;
  o.order_type = row.order_type.null ? "?" : row.order_type.text;
  if (!row.price.null) {
    auto price = field(parse_decimal_double(row.price.text), where, "price");
    if (!price) return price.error();
    o.price = *price;
  }
  if (o.quantity < 0 || o.price < 0) return at(where, o.quantity < 0 ? "quantity" : "price", "is negative");
  if (o.fate == OrderFate::filled && (o.quantity == 0 || o.price == 0))
    return at(where, o.quantity == 0 ? "quantity" : "price", "of a filled order must be above 0");
  o.symbol = upper_ascii(*symbol);
  std::erase_if(o.symbol, [](char c) { return c == '/' || c == '-' || c == '_'; });
  if (o.symbol.size() <= quote.size() || !o.symbol.ends_with(quote))
    return at(where, "symbol", "'" + *symbol + "' is not quoted in " + quote + " (--quote)");
  o.base = o.symbol.substr(0, o.symbol.size() - quote.size());
  if (o.base == quote) return at(where, "symbol", "'" + *symbol + "' trades " + quote + " against itself");
  if (static_cast<long double>(o.quantity) * o.price > std::numeric_limits<Amount>::max())
    return at(where, "quantity x price", "is out of range");
  return o;
}

}  // namespace

Result<std::map<std::string, Amount>> parse_balances(const DaemonAccount& rows) {
  std::map<std::string, Amount> out;
  for (size_t i = 0; i < rows.balances.size(); ++i) {
    const DaemonBalance& b = rows.balances[i];
    auto currency = text_of(b.currency, "balances row " + std::to_string(i + 1), "currency");
    if (!currency) return currency.error();
    const std::string where = "balances currency '" + *currency + "'";
    Amount total = 0;
    for (auto [column, cell] : {std::pair{"available_amount", &b.available_amount},
                                {"reserved_amount", &b.reserved_amount}}) {
      Amount v = 0;
      if (!cell->null) {  // a NULL reserved amount is nothing reserved
        auto a = field(parse_decimal_amount(cell->text), where, column);
        if (!a) return a.error();
        if (*a < 0) return at(where, column, "is negative (" + cell->text + ")");
        v = *a;
      } else if (std::string_view(column) == "available_amount") {
        return at(where, column, "is empty");
      }
      if (Status s = checked_add(total, v, where); !s) return s.error();
    }
    if (!out.emplace(upper_ascii(*currency), total).second)
      return make_error(Errc::invalid_input, where + " appears twice");
  }
  return out;
}

Result<std::vector<Order>> parse_orders(const DaemonAccount& rows, const std::string& quote) {
  std::vector<Order> out;
  std::set<std::string> ids;
  for (size_t i = 0; i < rows.orders.size(); ++i) {
    auto o = parse_order(rows.orders[i], i, quote);
    if (!o) return o.error();
    if (!ids.insert(o->id).second) return make_error(Errc::invalid_input, "orders id " + o->id + " appears twice");
    out.push_back(std::move(*o));
  }
  std::stable_sort(out.begin(), out.end(), [](const Order& a, const Order& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : id_less(a.id, b.id);
  });
  return out;
}

Result<std::vector<Tx>> parse_transactions(const DaemonAccount& rows) {
  std::vector<Tx> out;
  for (size_t i = 0; i < rows.transactions.size(); ++i) {
    const DaemonTransaction& row = rows.transactions[i];
    auto id = text_of(row.id, "transactions row " + std::to_string(i + 1), "id");
    if (!id) return id.error();
    const std::string where = "transactions id " + *id;
    auto type = text_of(row.transaction_type, where, "transaction_type");
    auto currency = text_of(row.currency, where, "currency");
    auto amount = text_of(row.amount, where, "amount");
    auto created = text_of(row.created_at, where, "created_at");
    for (auto* r : {&type, &currency, &amount, &created})
      if (!*r) return r->error();
    auto amount_v = field(parse_decimal_amount(*amount), where, "amount");
    auto time = field(parse_daemon_time(*created), where, "created_at");
    if (!amount_v) return amount_v.error();
    if (!time) return time.error();
    out.push_back({*id, *type, upper_ascii(*currency), row.description.null ? "" : row.description.text,
                   *amount_v, *time});
  }
  std::stable_sort(out.begin(), out.end(), [](const Tx& a, const Tx& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : id_less(a.id, b.id);
  });
  return out;
}

}  // namespace tn::migrate
