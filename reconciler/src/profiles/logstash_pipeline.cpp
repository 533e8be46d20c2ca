// The texts of the logstash profile: the pipeline and the entrypoint wrapper. See profiles/logstash.h.
#include <string>

#include "swarmop/reconciler/core/labels.h"
#include "swarmop/reconciler/profiles/logstash.h"

namespace swarmop::reconciler::profiles {
namespace {

// A Logstash config string in double quotes. The values come from validated specs (an https URL without
// quotes or credentials, DNS-label names), so this only guards against a future caller.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Input() {
  return "input {\n"
         "  # The gelf log driver of every dockerd at the site sends here (udp " +
         std::to_string(kGelfPort) +
         " on each node, published in host mode).\n"
         "  gelf {\n"
         "    id => \"swarmop_gelf\"\n"
         "    port => " +
         std::to_string(kGelfPort) +
         "\n"
         "    use_udp => true\n"
         "    use_tcp => false\n"
         "  }\n"
         "}\n";
}

std::string Filter(const std::string& site) {
  const std::string field_site = std::string("[") + labels::kSite + "]";
  const std::string field_owner = std::string("[") + labels::kOwnerName + "]";
  return "filter {\n"
         "  # The container labels the gelf driver sends as extra fields (_io.swarmop.site, ...; the input\n"
         "  # strips the leading underscore), under clean names.\n"
         "  mutate {\n"
         "    id => \"swarmop_fields\"\n"
         "    rename => {\n"
         "      \"" +
         field_site +
         "\" => \"[swarmop][site]\"\n"
         "      \"" +
         field_owner +
         "\" => \"[swarmop][service]\"\n"
         "      \"[com.docker.swarm.service.name]\" => \"[swarmop][swarm_service]\"\n"
         "      \"[com.docker.swarm.task.name]\" => \"[swarmop][task]\"\n"
         "    }\n"
         "  }\n"
         "  # A container swarmop does not manage (no labels) still logged at this Logstash's site.\n"
         "  if ![swarmop][site] {\n"
         "    mutate { id => \"swarmop_site\" add_field => { \"[swarmop][site]\" => " +
         Quoted(site) +
         " } }\n"
         "  }\n"
         "  # The spec the line comes from, as Kind/name.\n"
         "  if [swarmop][service] {\n"
         "    mutate { id => \"swarmop_spec\" add_field => { \"[swarmop][spec]\" => "
         "\"Service/%{[swarmop][service]}\" } }\n"
         "  }\n"
         "}\n";
}

std::string Output(const crds::LogstashSettings& settings) {
  std::string out =
      "output {\n"
      "  # Elasticsearch in the cloud, over TLS with the certificate verified.\n"
      "  elasticsearch {\n"
      "    id => \"swarmop_elasticsearch\"\n"
      "    hosts => [" +
      Quoted(settings.elasticsearch) +
      "]\n"
      "    ssl_enabled => true\n"
      "    ssl_verification_mode => \"full\"\n";
  if (!settings.credentials_secret.empty()) {
    out += "    # From the Swarm secret " + settings.credentials_secret +
           ", exported by the entrypoint wrapper into this process only.\n"
           "    user => \"${ES_USER}\"\n"
           "    password => \"${ES_PASSWORD}\"\n";
  }
  out +=
      "    data_stream => \"true\"\n"
      "    data_stream_type => \"logs\"\n"
      "    data_stream_dataset => \"swarmop\"\n"
      "    data_stream_namespace => \"default\"\n"
      "  }\n"
      "}\n";
  return out;
}

}  // namespace

std::string RenderLogstashPipeline(const crds::Service& logstash, const std::string& site) {
  const crds::LogstashSettings settings = logstash.spec.logstash.value_or(crds::LogstashSettings{});
  return "# Pipeline of the Logstash \"" + logstash.name() + "\" at site " + site +
         ", rendered by swarmop (profile logstash): edit the Service, not this file.\n" + Input() + "\n" +
         Filter(site) + "\n" + Output(settings);
}

std::string RenderLogstashEntrypoint(const std::string& secret_name) {
  return "#!/bin/sh\n"
         "# Rendered by swarmop (profile logstash). The Elasticsearch writer's credentials "
         "(\"user:password\" in\n"
         "# the Swarm secret " +
         secret_name +
         ") go into this process's environment only, for ${ES_USER} and ${ES_PASSWORD} in the\n"
         "# pipeline: never into the service's env listing, labels or the pipeline text.\n"
         "set -eu\n"
         "secret=/run/secrets/" +
         secret_name +
         "\n"
         "[ -r \"$secret\" ] || { echo \"swarmop-logstash-entrypoint: cannot read $secret\" >&2; exit 1; }\n"
         "credentials=$(cat \"$secret\")\n"
         "case $credentials in\n"
         "  *:*) ;;\n"
         "  *) echo \"swarmop-logstash-entrypoint: $secret must hold user:password\" >&2; exit 1 ;;\n"
         "esac\n"
         "ES_USER=${credentials%%:*}\n"
         "ES_PASSWORD=${credentials#*:}\n"
         "export ES_USER ES_PASSWORD\n"
         "unset credentials\n"
         "exec " +
         std::string(kLogstashImageEntrypoint) + " \"$@\"\n";
}

}  // namespace swarmop::reconciler::profiles
