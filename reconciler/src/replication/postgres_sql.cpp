// SQL for replication slots, publications and subscriptions. Every script is idempotent: a job may run it
// again (a retry, a re-render) without error or effect.
#include <set>

#include "postgres_internal.h"

namespace swarmop::reconciler {
namespace {

std::string Header(const crds::Replication& replication, const std::string& what) {
  return "-- swarmop: " + what + " (Replication " + replication.name() +
         "). Generated; do not edit.\n"
         "\\set ON_ERROR_STOP on\n";
}

std::string TableList(const std::vector<std::string>& tables) {
  std::string out;
  for (const auto& table : tables) out += (out.empty() ? "" : ", ") + QuoteQualifiedName(table);
  return out;
}

// CREATE SUBSCRIPTION creates the publisher's slot and so cannot run inside a transaction (a DO block):
// psql's \gexec runs the statement the query yields, which it yields only when the subscription is missing.
std::string CreateSubscriptionIfMissing(const std::string& name, const std::string& conninfo,
                                        const std::string& publications) {
  std::string create = "CREATE SUBSCRIPTION " + QuoteIdentifier(name) + " CONNECTION " +
                       QuoteLiteral(conninfo) + " PUBLICATION " + publications;
  return "SELECT " + QuoteLiteral(create) +
         "\n  WHERE NOT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = " + QuoteLiteral(name) +
         ")\n\\gexec\n";
}

// A subscription made before its publication existed (the jobs run in any order) has no tables, and would
// never get them: REFRESH picks up the published tables, and the job fails (and is retried) until all of
// them are there. Also converges when the table list changes.
std::string RefreshAndRequireTables(const std::string& name, size_t table_count) {
  std::string count = std::to_string(table_count);
  return "SELECT " + QuoteLiteral("ALTER SUBSCRIPTION " + QuoteIdentifier(name) + " REFRESH PUBLICATION") +
         "\n\\gexec\n"
         "DO $swarmop$\nBEGIN\n"
         "  IF (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid\n"
         "      WHERE s.subname = " +
         QuoteLiteral(name) + ") < " + count +
         " THEN\n"
         "    RAISE EXCEPTION 'swarmop: subscription % has not got its % tables yet (publication "
         "missing?)', " +
         QuoteLiteral(name) + ", " + count +
         ";\n"
         "  END IF;\n"
         "END\n$swarmop$;\n";
}

// The slot CREATE SUBSCRIPTION makes must not predate the publication. On PostgreSQL < 18 the publisher
// decodes the changes after a slot's start with the catalog as it was then, and a change written before the
// publication existed (the application's migrations, say) fails every apply worker for ever with
// "publication ... does not exist" (seen on the test bed: the publish and subscribe jobs race). So the job
// first asks the publisher, and fails (Swarm retries it) until every published table is there; then it goes
// back to the subscriber. psql's \connect takes a conninfo; the job's PGPASSFILE covers both connections.
std::string RequirePublishedTables(const std::string& publisher_conninfo,
                                   const std::string& subscriber_conninfo,
                                   const std::string& publication_names, size_t table_count) {
  std::string count = std::to_string(table_count);
  return "\\connect " + QuoteLiteral(publisher_conninfo) +
         "\n"
         "DO $swarmop$\nBEGIN\n"
         "  IF (SELECT count(DISTINCT (schemaname, tablename)) FROM pg_publication_tables\n"
         "      WHERE pubname IN (" +
         publication_names + ")) < " + count +
         " THEN\n"
         "    RAISE EXCEPTION 'swarmop: the publisher does not publish its % tables yet', " +
         count +
         ";\n"
         "  END IF;\n"
         "END\n$swarmop$;\n"
         "\\connect " +
         QuoteLiteral(subscriber_conninfo) + "\n";
}

std::string CreatePublicationIfMissing(const crds::Publication& pub) {
  std::string name = QuoteIdentifier(pub.name);
  // DO blocks cannot take parameters; the names are quoted literals/identifiers inside the block.
  return "DO $swarmop$\nBEGIN\n"
         "  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = " +
         QuoteLiteral(pub.name) +
         ") THEN\n"
         "    CREATE PUBLICATION " +
         name + " FOR TABLE " + TableList(pub.tables) +
         ";\n"
         "  END IF;\n"
         "END\n$swarmop$;\n"
         // The spec's table list wins over what an earlier run created.
         "ALTER PUBLICATION " +
         name + " SET TABLE " + TableList(pub.tables) + ";\n";
}

}  // namespace

std::string RenderPhysicalSlotSql(const crds::Replication& replication) {
  std::string out = Header(replication, "physical replication slots on the primary");
  for (const auto& site : replication.spec.read_replicas) {
    std::string slot = QuoteLiteral(PhysicalSlotName(replication, site));
    out += "SELECT pg_create_physical_replication_slot(" + slot +
           ")\n"
           "  WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = " +
           slot + ");\n";
  }
  return out;
}

std::string RenderPublicationSql(const crds::Replication& replication, std::string_view site) {
  std::string out = Header(replication, "publications at " + std::string(site));
  if (!replication.spec.logical) return out;
  for (const auto& pub : replication.spec.logical->publications) {
    if (pub.site == site) out += CreatePublicationIfMissing(pub);
  }
  return out;
}

std::string RenderSubscriptionSql(const crds::Replication& replication, std::string_view publisher_site,
                                  const PostgresLayout& layout) {
  std::string site(publisher_site);
  std::string out = Header(replication, "subscription to the publications at " + site);
  if (!replication.spec.logical) return out;
  std::string publications;       // "site_writes", as CREATE SUBSCRIPTION names them
  std::string publication_names;  // 'site_writes', as pg_publication_tables holds them
  std::set<std::string> tables;
  for (const auto& pub : replication.spec.logical->publications) {
    if (pub.site != site) continue;
    publications += (publications.empty() ? "" : ", ") + QuoteIdentifier(pub.name);
    publication_names += (publication_names.empty() ? "" : ", ") + QuoteLiteral(pub.name);
    tables.insert(pub.tables.begin(), pub.tables.end());
  }
  if (publications.empty()) return out;
  std::string name = SubscriptionName(replication, site);
  std::string database = "dbname=" + PostgresDatabaseName(replication);
  PostgresLayout::Endpoint publisher = layout.EndpointOf(PublisherServiceName(replication, site));
  // The subscriber's server connects with its own passfile; the job's \connects with the job's.
  std::string conninfo = Conninfo(publisher, layout, database);
  std::string subscriber = PublisherServiceName(replication, replication.spec.logical->subscriber);
  out += RequirePublishedTables(JobConninfo(publisher, database),
                                JobConninfo(layout.EndpointOf(subscriber), database), publication_names,
                                tables.size());
  out += CreateSubscriptionIfMissing(name, conninfo, publications);
  out += RefreshAndRequireTables(name, tables.size());
  return out;
}

}  // namespace swarmop::reconciler
