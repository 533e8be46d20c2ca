#include "event_stream_impl.h"

#include <glog/logging.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "json_codec.h"
#include "ndjson_splitter.h"

namespace swarmop::engine {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
constexpr size_t kMaxQueued = 100000;  // a consumer that stalls this long must resync by listing anyway

int64_t NowUnixNano() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EventKey(const Event& event) { return event.type + "|" + event.action + "|" + event.actor.id; }

class EventStreamImpl : public EventStream {
 public:
  EventStreamImpl(std::shared_ptr<HttpTransport> transport, EventsTarget target, int64_t since,
                  std::unique_ptr<HttpBodyReader> first)
      : transport_(std::move(transport)), target_(std::move(target)), resume_from_(since) {
    reader_ = std::move(first);
    thread_ = std::thread([this] { ReadLoop(); });
  }

  ~EventStreamImpl() override { Close(); }

  StatusOr<std::optional<Event>> Next(milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty() || !error_.ok(); });
    if (closed_) return UnavailableError("event stream closed");
    if (!queue_.empty()) {
      Event event = std::move(queue_.front());
      queue_.pop_front();
      return std::optional<Event>(std::move(event));
    }
    if (!error_.ok()) {
      Status error = error_;
      error_ = Status::Ok();
      return error;
    }
    return std::optional<Event>();
  }

  void Close() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Only the first Close() may touch current_: once closed, the reader thread frees it on its way out.
      if (!closed_ && current_) current_->Shutdown();
      closed_ = true;
    }
    cv_.notify_all();
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

 private:
  // Runs on thread_: read, split, decode, queue; reconnect with `since` after a drop.
  void ReadLoop() {
    std::unique_ptr<HttpBodyReader> reader = std::move(reader_);
    NdjsonSplitter splitter;
    milliseconds backoff = kMinBackoff;
    // Before the first event, a reconnect replays from the moment we subscribed.
    int64_t subscribed_at = resume_from_ != 0 ? resume_from_ : NowUnixNano();
    if (!Publish(reader.get())) return;
    for (;;) {
      if (!reader) {
        if (WaitClosed(backoff)) return;
        int64_t since = last_time_nano_ != 0 ? last_time_nano_ : subscribed_at;
        StatusOr<std::unique_ptr<HttpBodyReader>> opened =
            transport_->OpenStream({"GET", target_(since), ""});
        if (!opened.ok()) {
          Fail(opened.status());
          backoff = std::min(backoff * 2, kMaxBackoff);
          continue;
        }
        reader = std::move(opened).value();
        if (!Publish(reader.get())) return;
        backoff = kMinBackoff;
      }
      StatusOr<std::string> bytes = reader->ReadSome();
      if (!bytes.ok() || bytes->empty()) {
        if (IsClosed()) return;
        LOG(WARNING) << "event stream dropped ("
                     << (bytes.ok() ? std::string("ended") : bytes.status().ToString()) << "); reconnecting";
        Publish(nullptr);
        reader.reset();
        splitter.Reset();  // the rest of a partial line will never come
        continue;
      }
      for (const std::string& line : splitter.Feed(*bytes)) Deliver(line);
    }
  }

  void Deliver(const std::string& line) {
    Json json = ParseEngineJson(line);
    if (!json.is_object()) {
      LOG(WARNING) << "skipping an event line that is not a JSON object: " << line.substr(0, 200);
      return;
    }
    Event event = DecodeEvent(json);
    // After a reconnect `since` replays the last second's events again: skip what was delivered.
    if (event.time_nano < last_time_nano_) return;
    if (event.time_nano == last_time_nano_ && !delivered_at_last_time_.insert(EventKey(event)).second) return;
    if (event.time_nano > last_time_nano_) {
      last_time_nano_ = event.time_nano;
      delivered_at_last_time_ = {EventKey(event)};
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.size() >= kMaxQueued) queue_.pop_front();
      queue_.push_back(std::move(event));
    }
    cv_.notify_all();
  }

  // Makes `reader` the one Close() shuts down. Returns false when the stream is already closed.
  bool Publish(HttpBodyReader* reader) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = reader;
    if (closed_ && reader) reader->Shutdown();
    return !closed_;
  }

  void Fail(const Status& status) {
    LOG(WARNING) << "event stream: reconnect failed: " << status.ToString();
    {
      std::lock_guard<std::mutex> lock(mu_);
      error_ = status;
    }
    cv_.notify_all();
  }

  bool IsClosed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }

  // Sleeps up to `delay`; returns true when closed meanwhile.
  bool WaitClosed(milliseconds delay) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, delay, [&] { return closed_; });
  }

  const std::shared_ptr<HttpTransport> transport_;
  const EventsTarget target_;
  const int64_t resume_from_;
  std::unique_ptr<HttpBodyReader> reader_;  // handed to the thread at start

  // Only the reader thread touches these.
  int64_t last_time_nano_ = 0;
  std::set<std::string> delivered_at_last_time_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;                // guarded by mu_
  std::deque<Event> queue_;            // guarded by mu_
  Status error_;                       // guarded by mu_: last reconnect failure, reported once
  HttpBodyReader* current_ = nullptr;  // guarded by mu_

  std::mutex join_mu_;
  std::thread thread_;
};

}  // namespace

StatusOr<std::unique_ptr<EventStream>> OpenEventStream(std::shared_ptr<HttpTransport> transport,
                                                       EventsTarget target, int64_t since_unix_nano) {
  StatusOr<std::unique_ptr<HttpBodyReader>> first =
      transport->OpenStream({"GET", target(since_unix_nano), ""});
  if (!first.ok()) return first.status();
  return std::unique_ptr<EventStream>(new EventStreamImpl(std::move(transport), std::move(target),
                                                          since_unix_nano, std::move(first).value()));
}

}  // namespace swarmop::engine
