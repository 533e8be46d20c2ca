// Client connection strings for a MongoDB replica set, read locally, written by majority.
#include "swarmop/reconciler/replication/mongo.h"

namespace swarmop::reconciler {

std::string MongoConnectionString(const crds::Replication& replication, std::string_view consumer_site) {
  std::string seeds;
  for (const crds::MongoMember& member : replication.spec.members) {
    if (member.hidden) continue;  // clients never read from or connect to hidden members
    seeds += (seeds.empty() ? "" : ",") + MongoMemberHost(replication.name(), member.site);
  }
  std::string url = "mongodb://" + seeds + "/?replicaSet=" + replication.spec.replica_set;
  url += "&readPreference=nearest";
  // Tag sets are tried in order: the consumer's own site first, then the empty set (any member), so reads
  // still work while the local member is down.
  if (!consumer_site.empty())
    url += "&readPreferenceTags=" + std::string(kMongoSiteTag) + ":" + std::string(consumer_site);
  url += "&readPreferenceTags=";
  // Majority write concern: an acknowledged write survives a failover (w:1 writes can be rolled back).
  url += "&w=majority";
  return url;
}

}  // namespace swarmop::reconciler
