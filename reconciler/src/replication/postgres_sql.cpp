// SQL for replication slots, publications and subscriptions. Every script is idempotent: a job may run it
// again (a retry, a re-render) without error or effect.
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
  std::string publications;
  for (const auto& pub : replication.spec.logical->publications) {
    if (pub.site == site) publications += (publications.empty() ? "" : ", ") + QuoteIdentifier(pub.name);
  }
  if (publications.empty()) return out;
  std::string name = SubscriptionName(replication, site);
  std::string conninfo = Conninfo(layout.EndpointOf(PublisherServiceName(replication, site)), layout,
                                  "dbname=" + PostgresDatabaseName(replication));
  std::string create = "CREATE SUBSCRIPTION " + QuoteIdentifier(name) + " CONNECTION " +
                       QuoteLiteral(conninfo) + " PUBLICATION " + publications;
  // CREATE SUBSCRIPTION creates the publisher's slot and so cannot run inside a transaction (a DO block):
  // psql's \gexec runs the statement the query yields, which it yields only when the subscription is missing.
  out += "SELECT " + QuoteLiteral(create) +
         "\n"
         "  WHERE NOT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = " +
         QuoteLiteral(name) +
         ")\n"
         "\\gexec\n";
  return out;
}

}  // namespace swarmop::reconciler
