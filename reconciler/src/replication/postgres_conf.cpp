// postgresql.conf and pg_hba.conf of the servers of a PostgreSQL Replication.
#include "postgres_internal.h"
#include "swarmop/crds/naming.h"

namespace swarmop::reconciler {
namespace {

std::string Header(const crds::Replication& replication, const std::string& what) {
  return "# swarmop: " + what + " of Replication " + replication.name() + ". Generated; do not edit.\n";
}

// Settings every server shares; hba_file points at the rendered pg_hba.conf.
std::string CommonSettings(const PostgresLayout& layout) {
  return "listen_addresses = '*'\n"
         "password_encryption = 'scram-sha-256'\n"
         "hba_file = " +
         QuoteLiteral(layout.config_dir + "/pg_hba.conf") + "\n";
}

// Room for one physical slot per read replica plus one logical slot per subscription, and spare senders
// for a pg_basebackup running while the replicas stream.
int SlotsNeeded(const crds::Replication& replication) {
  int logical =
      replication.spec.logical ? static_cast<int>(replication.spec.logical->publications.size()) : 0;
  return static_cast<int>(replication.spec.read_replicas.size()) + logical + 4;
}

}  // namespace

std::string RenderPostgresPrimaryConf(const crds::Replication& replication, const PostgresLayout& layout) {
  std::string slots = std::to_string(SlotsNeeded(replication));
  std::string out = Header(replication, "writable server settings");
  out += CommonSettings(layout);
  out += "wal_level = logical\n";  // logical covers streaming replicas too
  out += "max_wal_senders = " + slots + "\n";
  out += "max_replication_slots = " + slots + "\n";
  out += "max_logical_replication_workers = " + slots + "\n";
  // -1 keeps WAL for a disconnected replica or subscriber without limit (queued changes survive a long
  // partition, at the cost of disk); a size caps it and a slot that falls further behind is lost.
  out += "max_slot_wal_keep_size = " + replication.spec.wal_keep_size + "\n";
  out += "hot_standby = on\n";
  return out;
}

PostgresReplicaSetup RenderPostgresReplicaSetup(const crds::Replication& replication, std::string_view site,
                                                const PostgresLayout& layout) {
  const std::string primary = PostgresServers(replication).front().service_name;
  const std::string self = crds::SwarmServiceName(replication.name(), site);
  PostgresReplicaSetup setup;
  setup.slot_name = PhysicalSlotName(replication, site);
  setup.standby_signal = "standby.signal";
  std::string conninfo = Conninfo(layout.EndpointOf(primary), layout, "application_name=" + self);

  setup.conf = Header(replication, "streaming read replica settings (" + std::string(site) + ")");
  setup.conf += CommonSettings(layout);
  setup.conf += "hot_standby = on\n";
  setup.conf += "hot_standby_feedback = on\n";  // long local reads are not cancelled by the primary's vacuum
  setup.conf += "primary_conninfo = " + QuoteLiteral(conninfo) + "\n";
  setup.conf += "primary_slot_name = " + QuoteLiteral(setup.slot_name) + "\n";
  // A standby needs at least the primary's max_wal_senders etc.; the same values keep it promotable.
  std::string slots = std::to_string(SlotsNeeded(replication));
  setup.conf += "max_wal_senders = " + slots + "\n";
  setup.conf += "max_replication_slots = " + slots + "\n";

  setup.basebackup_args = {"-d",
                           Conninfo(layout.EndpointOf(primary), layout, "application_name=" + self),
                           "-X",
                           "stream",
                           "-S",
                           setup.slot_name,
                           "--checkpoint=fast"};
  return setup;
}

std::string RenderPostgresHba(const crds::Replication& replication) {
  std::string out = Header(replication, "client authentication");
  out += "# TYPE  DATABASE     USER  ADDRESS  METHOD\n";
  out += "local   all          all            peer\n";
  // Over the network every connection, replication included, proves the password (scram-sha-256);
  // the overlay networks are encrypted but shared by every service of the estate.
  out += "host    all          all   all      scram-sha-256\n";
  out += "host    replication  all   all      scram-sha-256\n";
  return out;
}

}  // namespace swarmop::reconciler
