// Helpers shared by the PostgreSQL render files.
#pragma once

#include <string>
#include <string_view>

#include "swarmop/crds/model.h"
#include "swarmop/reconciler/replication/postgres.h"

namespace swarmop::reconciler {

// The writable service that publishes for `site`: the primary or the site's local writer; "" when none.
std::string PublisherServiceName(const crds::Replication& replication, const std::string& site);
// True when spec.logical declares a publication at `site`.
bool SitePublishes(const crds::Replication& replication, const std::string& site);

// 'text' with ' doubled (SQL literal; also a postgresql.conf string value).
std::string QuoteLiteral(std::string_view text);
// "name" with " doubled; dotted names are quoted per part ("public"."accounts_audit").
std::string QuoteIdentifier(std::string_view name);
std::string QuoteQualifiedName(std::string_view name);

// libpq key/value conninfo (no password): host, port, user, passfile and the extra `tail` pairs.
std::string Conninfo(const PostgresLayout::Endpoint& endpoint, const PostgresLayout& layout,
                     const std::string& tail);
// The same without passfile, for a connection the SQL job itself makes: the job's PGPASSFILE (its own
// passfile, not the servers') supplies the password.
std::string JobConninfo(const PostgresLayout::Endpoint& endpoint, const std::string& tail);

}  // namespace swarmop::reconciler
