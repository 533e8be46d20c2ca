#include "swarmop/reconciler/sites/leader_lease.h"

#include <charconv>

#include "swarmop/reconciler/store/spec_status.h"

namespace swarmop::reconciler {
namespace {

uint64_t ParseNumber(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  if (it == labels.end()) return 0;
  uint64_t value = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  return value;
}

std::string LabelOr(const std::map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

LeaseRecord ParseRecord(const engine::Config& config) {
  const auto& labels = config.spec.labels;
  LeaseRecord record;
  record.holder = LabelOr(labels, lease_labels::kHolder);
  record.renew_time = LabelOr(labels, lease_labels::kRenewTime);
  record.duration = std::chrono::milliseconds(ParseNumber(labels, lease_labels::kDurationMs));
  record.transitions = ParseNumber(labels, lease_labels::kTransitions);
  record.version = config.version;
  return record;
}

}  // namespace

Status ValidateLeaseOptions(const LeaseOptions& options) {
  if (options.holder.empty()) return InvalidArgumentError("lease holder identity is empty");
  if (options.retry_period.count() <= 0) return InvalidArgumentError("lease retry period must be > 0");
  if (!(options.duration > options.renew_deadline && options.renew_deadline > options.retry_period)) {
    return InvalidArgumentError("lease timings must satisfy duration > renew deadline > retry period");
  }
  return Status::Ok();
}

LeaderLease::LeaderLease(engine::Engine& engine, LeaseOptions options, const Clock& clock)
    : engine_(engine), options_(std::move(options)), clock_(clock) {}

StatusOr<bool> LeaderLease::TryAcquireOrRenew() {
  auto config = engine_.InspectConfig(options_.name);
  if (!config.ok() && config.status().code() == Code::kNotFound) return Create();
  if (!config.ok()) return config.status().WithContext("reading lease " + options_.name);

  LeaseRecord seen = ParseRecord(*config);
  std::unique_lock<std::mutex> lock(mu_);
  Observe(seen);
  if (seen.holder == options_.holder) {
    lock.unlock();
    return Write(*config, seen, false);
  }
  if (seen.holder.empty() || ExpiredLocked()) {
    lock.unlock();
    return Write(*config, seen, true);
  }
  renewed_before_.reset();  // someone else holds a live lease: if we led, we are deposed
  return false;
}

StatusOr<bool> LeaderLease::Create() {
  engine::ConfigSpec spec;
  spec.name = options_.name;
  spec.data = "swarmop leader lease: see the io.swarmop.lease.* labels\n";
  spec.labels = {{lease_labels::kRole, lease_labels::kRoleLease},
                 {lease_labels::kHolder, options_.holder},
                 {lease_labels::kRenewTime, FormatRfc3339(clock_.WallNow())},
                 {lease_labels::kDurationMs, std::to_string(options_.duration.count())},
                 {lease_labels::kTransitions, "0"}};
  Clock::TimePoint before = clock_.Now();
  auto created = engine_.CreateConfig(spec);
  if (!created.ok() && created.status().code() == Code::kConflict) return false;  // another one created it
  if (!created.ok()) return created.status().WithContext("creating lease " + options_.name);
  std::lock_guard<std::mutex> lock(mu_);
  renewed_before_ = before;
  observed_ = LeaseRecord{options_.holder, spec.labels[lease_labels::kRenewTime], options_.duration, 0, 0};
  observed_at_ = before;
  return true;
}

StatusOr<bool> LeaderLease::Write(const engine::Config& config, const LeaseRecord& seen, bool taking_over) {
  engine::ConfigSpec spec;
  spec.name = config.spec.name;
  spec.labels = config.spec.labels;  // keep labels others may have added
  spec.labels[lease_labels::kRole] = lease_labels::kRoleLease;
  spec.labels[lease_labels::kHolder] = options_.holder;
  spec.labels[lease_labels::kRenewTime] = FormatRfc3339(clock_.WallNow());
  spec.labels[lease_labels::kDurationMs] = std::to_string(options_.duration.count());
  uint64_t transitions = seen.transitions + (taking_over ? 1 : 0);
  spec.labels[lease_labels::kTransitions] = std::to_string(transitions);

  // Counted from before the request: the holder's deadline must not start later than anyone's view of
  // this write, whatever the request's latency.
  Clock::TimePoint before = clock_.Now();
  Status written = engine_.UpdateConfig(config.id, config.version, spec);
  std::lock_guard<std::mutex> lock(mu_);
  if (written.code() == Code::kAborted) {
    renewed_before_.reset();  // someone else wrote first: whoever it was, it is not us
    return false;
  }
  if (!written.ok()) return written.WithContext("writing lease " + options_.name);
  renewed_before_ = before;
  observed_ =
      LeaseRecord{options_.holder, spec.labels[lease_labels::kRenewTime], options_.duration, transitions, 0};
  observed_at_ = before;
  return true;
}

void LeaderLease::Observe(const LeaseRecord& record) {
  if (!observed_ || observed_->version != record.version || observed_->holder != record.holder) {
    observed_at_ = clock_.Now();
  }
  observed_ = record;
}

bool LeaderLease::ExpiredLocked() const {
  if (!observed_) return true;
  auto duration = observed_->duration.count() > 0 ? observed_->duration : options_.duration;
  return clock_.Now() - observed_at_ >= duration;
}

bool LeaderLease::LeadingLocked() const {
  if (!renewed_before_) return false;
  if (observed_ && observed_->holder != options_.holder) return false;
  return clock_.Now() - *renewed_before_ < options_.renew_deadline;
}

bool LeaderLease::IsLeading() const {
  std::lock_guard<std::mutex> lock(mu_);
  return LeadingLocked();
}

Status LeaderLease::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!renewed_before_) return Status::Ok();
    renewed_before_.reset();  // stop acting first, then tell the others
  }
  auto config = engine_.InspectConfig(options_.name);
  if (!config.ok()) return config.status().code() == Code::kNotFound ? Status::Ok() : config.status();
  if (ParseRecord(*config).holder != options_.holder) return Status::Ok();
  engine::ConfigSpec spec;
  spec.name = config->spec.name;
  spec.labels = config->spec.labels;
  spec.labels[lease_labels::kHolder] = "";
  spec.labels[lease_labels::kRenewTime] = FormatRfc3339(clock_.WallNow());
  Status written = engine_.UpdateConfig(config->id, config->version, spec);
  if (written.code() == Code::kAborted) return Status::Ok();  // someone else moved on already
  return written;
}

std::optional<LeaseRecord> LeaderLease::LastObserved() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_;
}

}  // namespace swarmop::reconciler
