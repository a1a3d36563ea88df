#include "tests/market/fake_exchange_impl.hpp"

namespace tn::test {

BarSeries read_csv_loosely(const std::string& path) {
  BarSeries s;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    long long t = 0;
    double o, h, l, c, v;
    if (std::sscanf(line.c_str(), "%lld,%lf,%lf,%lf,%lf,%lf", &t, &o, &h, &l, &c, &v) != 6) continue;
    s.open_time_ms.push_back(t);
    s.open.push_back(o);
    s.high.push_back(h);
    s.low.push_back(l);
    s.close.push_back(c);
    s.volume.push_back(v);
  }
  return s;
}


FakeExchange::FakeExchange(FakeExchangeOptions o) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.o = std::move(o);
  const int threads = m.o.threads;
  m.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m.server.set_keep_alive_timeout(1);
  m.server.set_keep_alive_max_count(1000);
  m.server.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms to every answer
  auto wrap = [this](void (Impl::*fn)(const httplib::Request&, httplib::Response&)) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      const int now = ++impl_->concurrent;
      int seen = max_concurrent_.load();
      while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
      }
      if (impl_->o.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(impl_->o.latency_ms));
      (impl_.get()->*fn)(req, res);
      --impl_->concurrent;
    };
  };
  m.server.Get("/api/v3/klines", wrap(&Impl::binance_klines));
  m.server.Get("/api/v3/ticker/24hr", wrap(&Impl::binance_ticker));
  m.server.Get(R"(/v2/aggs/ticker/([^/]+)/range/1/day/([^/]+)/([^/?]+))", wrap(&Impl::polygon_aggs));
  m.server.Get(R"(/v2/aggs/ticker/([^/]+)/prev)", wrap(&Impl::polygon_prev));
  m.server.Get("/query", wrap(&Impl::alphavantage));
  // libcpp-httplib was built with a listen backlog of 5: a burst of 64
  // connects would overflow it and the kernel drops SYNs (a 1 s retransmit).
  // Remember the listening socket and widen its backlog after bind.
  std::atomic<int> listen_fd{-1};
  m.server.set_socket_options([&listen_fd](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  m.port = m.server.bind_to_any_port("127.0.0.1");
  if (listen_fd >= 0) ::listen(listen_fd, 1024);
  m.thread = std::thread([&m] { m.server.listen_after_bind(); });
  // bind_to_any_port already listens: connections wait in the backlog until the loop runs.
}

FakeExchange::~FakeExchange() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeExchange::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeExchange::add_series(const std::string& symbol, int64_t iv, BarSeries bars) {
  const BarSeries* s = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    impl_->kline_rows.erase(&impl_->series[{symbol, iv}]);
    impl_->series[{symbol, iv}] = std::move(bars);
    s = &impl_->series[{symbol, iv}];
  }
  impl_->rows_of(s, iv);  // render now, not while a client is timing us
}

void FakeExchange::withhold(const std::string& symbol, int64_t from_open_ms) {
  std::lock_guard lock(impl_->mu);
  impl_->withheld_from[symbol] = from_open_ms;
}

void FakeExchange::inject(const std::string& provider, const std::string& symbol, Fault f, int times,
                          int retry_after_s) {
  std::lock_guard lock(impl_->mu);
  for (int i = 0; i < times; ++i) impl_->faults[{provider, symbol}].push_back({f, retry_after_s});
}

ProviderCounts FakeExchange::counts(const std::string& provider) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->counts.find(provider);
  return it == impl_->counts.end() ? ProviderCounts{} : it->second;
}

uint64_t FakeExchange::requests_for(const std::string& symbol) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->per_symbol.find(symbol);
  return it == impl_->per_symbol.end() ? 0 : it->second;
}

std::vector<std::string> FakeExchange::paths(const std::string& provider) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->paths.find(provider);
  return it == impl_->paths.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace tn::test
