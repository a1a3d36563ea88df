#include "tools/convert_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/timeframe.hpp"
#include "market/bar_checks.hpp"
#include "market/binance_klines.hpp"
#include "market/csv_bars.hpp"

namespace tn {

namespace {

constexpr int kOk = 0, kWriteFailed = 1, kBadInput = 2;

int bad(const std::string& msg) {
  std::fprintf(stderr, "tradernode convert: %s\n", msg.c_str());
  return kBadInput;
}

}  // namespace

std::unique_ptr<ConvertCommand> add_convert_command(CLI::App& app) {
  auto c = std::make_unique<ConvertCommand>();
  CLI::App* sub = app.add_subcommand(
      "convert", "convert bars from another format into the backtest's CSV (open_time_ms,open,high,low,close,volume)");
  sub->add_option("--from", c->from, "input format: binance-klines (data.binance.vision's 12-column kline CSV)")
      ->required()
      ->check(CLI::IsMember({"binance-klines"}));
  sub->add_option("--out", c->out, "CSV file to write (replaced whole, only when every input row is valid)")
      ->required();
  sub->add_option("--timeframe", c->timeframe, "expected bar timeframe, e.g. 1d (default: taken from the first row)");
  sub->add_option("inputs", c->inputs, "input CSV files, oldest first (unzipped)")->required();
  c->sub = sub;
  return c;
}

bool convert_chosen(const ConvertCommand& c) { return c.sub && c.sub->parsed(); }

int run_convert(const ConvertCommand& c) {
  int64_t tf_ms = 0;
  if (!c.timeframe.empty()) {
    const auto tf = parse_timeframe_ms(c.timeframe);
    if (!tf || !market::interval_supported(*tf))
      return bad("--timeframe " + c.timeframe + ": not a supported timeframe (1m..12h, 1d, 1w)");
    tf_ms = *tf;
  }
  market::BinanceKlineReader reader(tf_ms);
  for (const auto& in : c.inputs) {
    auto text = read_bar_file(in);
    if (!text) return bad(text.error().message);
    if (Status s = reader.add(*text, in); !s) return bad(s.error().message);
  }
  const int64_t tf = reader.timeframe_ms();
  const size_t gaps = reader.gaps(), micro = reader.microsecond_rows();
  auto bars = std::move(reader).finish();
  if (!bars) return bad(bars.error().message);
  if (Status s = write_file_atomically(c.out, format_csv_bars(*bars)); !s) {
    std::fprintf(stderr, "tradernode convert: %s\n", s.error().message.c_str());
    return kWriteFailed;
  }
  std::fprintf(stderr, "convert: %zu bars (%s) from %zu file(s), %zu gaps, %zu rows had microsecond times -> %s\n",
               bars->size(), market::interval_name(tf).c_str(), c.inputs.size(), gaps, micro, c.out.c_str());
  return kOk;
}

}  // namespace tn
