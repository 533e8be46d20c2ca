#include "engine_impl.h"

#include <chrono>

#include "error_mapping.h"
#include "event_stream_impl.h"
#include "json_codec.h"
#include "json_text_scan.h"
#include "query.h"
#include "spec_merge.h"
#include "swarmop/base/json_depth.h"
#include "swarmop/engine/registry_auth.h"

namespace swarmop::engine {

int CompareApiVersions(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    long x = 0, y = 0;
    while (i < a.size() && a[i] != '.')
      x = x * 10 + (std::isdigit(static_cast<unsigned char>(a[i])) ? a[i] - '0' : 0), ++i;
    while (j < b.size() && b[j] != '.')
      y = y * 10 + (std::isdigit(static_cast<unsigned char>(b[j])) ? b[j] - '0' : 0), ++j;
    if (x != y) return x < y ? -1 : 1;
    ++i;
    ++j;
  }
  return 0;
}

StatusOr<std::string> NegotiateApiVersion(HttpTransport& transport) {
  if (!transport.endpoint().api_version.empty()) return transport.endpoint().api_version;
  StatusOr<HttpResponse> ping = transport.RoundTrip({"GET", "/_ping", ""});
  if (!ping.ok()) return ping.status();
  SWARMOP_RETURN_IF_ERROR(StatusFromHttp(ping->status, ping->body, "GET /_ping"));
  std::string server = ping->Header("api-version");
  if (server.empty()) {
    // Old or proxied engines may not send the header; /version (unversioned) always has it.
    StatusOr<HttpResponse> version = transport.RoundTrip({"GET", "/version", ""});
    if (!version.ok()) return version.status();
    SWARMOP_RETURN_IF_ERROR(StatusFromHttp(version->status, version->body, "GET /version"));
    server = GetString(ParseEngineJson(version->body), "ApiVersion");
    if (server.empty()) {
      return InternalError("the Docker engine at " + transport.endpoint().ToString() +
                           " reports no API version (set DOCKER_API_VERSION)");
    }
  }
  return CompareApiVersions(server, kMaxApiVersion) < 0 ? server : std::string(kMaxApiVersion);
}

namespace {

// A decoder of an object without a raw spec, as List calls decoders: (element, its "Spec" text).
template <typename T>
auto WithoutSpecText(T (*decode)(const Json&)) {
  return [decode](const Json& json, SpecText) { return decode(json); };
}

class EngineImpl : public Engine {
 public:
  EngineImpl(std::shared_ptr<HttpTransport> transport, std::string api_version)
      : transport_(std::move(transport)), api_version_(std::move(api_version)) {}

  std::string ApiVersion() const override { return api_version_; }

  Status Ping() override { return Call("GET", "/_ping", nullptr, /*json_reply=*/false).status(); }

  StatusOr<SystemInfo> Info() override { return Get<SystemInfo>("/info", DecodeInfo); }
  StatusOr<VersionInfo> Version() override { return Get<VersionInfo>("/version", DecodeVersion); }

  // --- services ---
  StatusOr<std::vector<Service>> ListServices(const ListFilter& filter) override {
    auto services = List<Service>("/services", ToFilterMap(filter), &DecodeService, "status=true");
    if (!services.ok()) return services.status();
    return KeepExactName(std::move(services).value(), filter, [](const Service& s) { return s.spec.name; });
  }
  StatusOr<Service> InspectService(const std::string& id) override {
    return Get<Service>("/services/" + UrlEncode(id), [](const Json& j) { return DecodeService(j); });
  }
  StatusOr<std::string> CreateService(const ServiceSpec& spec) override {
    Json body = MergeOverRaw(spec.raw_spec, EncodeServiceSpec(spec), ServiceSpecShape());
    StatusOr<Json> reply = Call("POST", Path("/services/create"), &body, true, RegistryAuthHeaders(body));
    if (!reply.ok()) return reply.status();
    return GetString(*reply, "ID");
  }
  // The credentials go along only when the image changes (as `docker service update --with-registry-auth`
  // would send them); otherwise the engine keeps those it already holds for the service.
  Status UpdateService(const std::string& id, uint64_t version, const ServiceSpec& spec) override {
    Json body = MergeOverRaw(spec.raw_spec, EncodeServiceSpec(spec), ServiceSpecShape());
    std::map<std::string, std::string> headers;
    if (ImageOf(body) != ImageOf(ParseEngineJson(spec.raw_spec))) headers = RegistryAuthHeaders(body);
    return Call("POST", Versioned("/services/" + UrlEncode(id) + "/update", version), &body, true, headers)
        .status();
  }
  Status RemoveService(const std::string& id) override { return Remove("/services/" + UrlEncode(id)); }

  // --- tasks ---
  StatusOr<std::vector<Task>> ListTasks(const TaskFilter& filter) override {
    FilterMap map;
    if (filter.service) map["service"] = {*filter.service};
    if (filter.desired_state) map["desired-state"] = {*filter.desired_state};
    if (filter.node) map["node"] = {*filter.node};
    if (!filter.labels.empty()) map["label"] = filter.labels;
    return List<Task>("/tasks", map, WithoutSpecText(&DecodeTask));
  }

  // --- nodes ---
  StatusOr<std::vector<Node>> ListNodes(const ListFilter& filter) override {
    auto nodes = List<Node>("/nodes", ToFilterMap(filter), WithoutSpecText(&DecodeNode));
    if (!nodes.ok() || !filter.name) return nodes;
    // A node's "name" filter matches the spec name or the hostname.
    std::vector<Node> kept;
    for (auto& node : *nodes) {
      if (node.spec.name == *filter.name || node.hostname == *filter.name) kept.push_back(std::move(node));
    }
    return kept;
  }
  StatusOr<Node> InspectNode(const std::string& id) override {
    return Get<Node>("/nodes/" + UrlEncode(id), DecodeNode);
  }
  Status UpdateNode(const std::string& id, uint64_t version, const NodeSpec& spec) override {
    Json body = MergeOverRaw(spec.raw_spec, EncodeNodeSpec(spec), NodeSpecShape());
    return Call("POST", Versioned("/nodes/" + UrlEncode(id) + "/update", version), &body).status();
  }

  // --- configs ---
  StatusOr<std::vector<Config>> ListConfigs(const ListFilter& filter) override {
    auto configs = List<Config>("/configs", ToFilterMap(filter), &DecodeConfig);
    if (!configs.ok()) return configs.status();
    return KeepExactName(std::move(configs).value(), filter, [](const Config& c) { return c.spec.name; });
  }
  StatusOr<Config> InspectConfig(const std::string& id) override {
    return Get<Config>("/configs/" + UrlEncode(id), [](const Json& j) { return DecodeConfig(j); });
  }
  StatusOr<std::string> CreateConfig(const ConfigSpec& spec) override {
    return Create("/configs/create", EncodeConfigSpec(spec));
  }
  Status UpdateConfig(const std::string& id, uint64_t version, const ConfigSpec& spec) override {
    Json typed = {{"Name", spec.name}};
    if (!spec.labels.empty()) typed["Labels"] = spec.labels;
    Json body = MergeOverRaw(spec.raw_spec, typed, ConfigSpecShape());
    return Call("POST", Versioned("/configs/" + UrlEncode(id) + "/update", version), &body).status();
  }
  Status RemoveConfig(const std::string& id) override { return Remove("/configs/" + UrlEncode(id)); }

  // --- secrets ---
  StatusOr<std::vector<Secret>> ListSecrets(const ListFilter& filter) override {
    auto secrets = List<Secret>("/secrets", ToFilterMap(filter), &DecodeSecret);
    if (!secrets.ok()) return secrets.status();
    return KeepExactName(std::move(secrets).value(), filter, [](const Secret& s) { return s.spec.name; });
  }
  StatusOr<Secret> InspectSecret(const std::string& id) override {
    return Get<Secret>("/secrets/" + UrlEncode(id), [](const Json& j) { return DecodeSecret(j); });
  }
  StatusOr<std::string> CreateSecret(const SecretSpec& spec) override {
    return Create("/secrets/create", EncodeSecretSpec(spec));
  }
  Status UpdateSecret(const std::string& id, uint64_t version, const SecretSpec& spec) override {
    Json typed = {{"Name", spec.name}};
    if (!spec.labels.empty()) typed["Labels"] = spec.labels;
    Json body = MergeOverRaw(spec.raw_spec, typed, SecretSpecShape());
    return Call("POST", Versioned("/secrets/" + UrlEncode(id) + "/update", version), &body).status();
  }
  Status RemoveSecret(const std::string& id) override { return Remove("/secrets/" + UrlEncode(id)); }

  // --- networks ---
  StatusOr<std::vector<Network>> ListNetworks(const ListFilter& filter) override {
    auto networks = List<Network>("/networks", ToFilterMap(filter), WithoutSpecText(&DecodeNetwork));
    if (!networks.ok()) return networks.status();
    return KeepExactName(std::move(networks).value(), filter, [](const Network& n) { return n.name; });
  }
  StatusOr<Network> InspectNetwork(const std::string& id) override {
    return Get<Network>("/networks/" + UrlEncode(id), DecodeNetwork);
  }
  StatusOr<std::string> CreateNetwork(const NetworkSpec& spec) override {
    Json body = EncodeNetworkSpec(spec);
    StatusOr<Json> reply = Call("POST", Path("/networks/create"), &body);
    if (!reply.ok()) return reply.status();
    return GetString(*reply, "Id");
  }
  Status RemoveNetwork(const std::string& id) override { return Remove("/networks/" + UrlEncode(id)); }

  // --- events ---
  StatusOr<std::unique_ptr<EventStream>> Events(const EventFilter& filter) override {
    FilterMap map;
    if (!filter.types.empty()) map["type"] = filter.types;
    if (!filter.labels.empty()) map["label"] = filter.labels;
    std::string filters = FiltersParam(map);
    std::string base = Path("/events");
    EventsTarget target = [base, filters](int64_t since) {
      std::string query = filters;
      if (since != 0)
        query += (query.empty() ? "" : "&") + ("since=" + UrlEncode(UnixNanoToTimestamp(since)));
      return query.empty() ? base : base + "?" + query;
    };
    return OpenEventStream(transport_, target, filter.since_unix_nano);
  }

 private:
  std::string Path(const std::string& path) const { return "/v" + api_version_ + path; }
  std::string Versioned(const std::string& path, uint64_t version) const {
    return Path(path) + "?version=" + std::to_string(version);
  }

  // One request; maps errors; parses the reply as JSON (null for an empty body) when json_reply.
  static std::string ImageOf(const Json& spec) {
    const Json* at = &spec;
    for (const char* key : {"TaskTemplate", "ContainerSpec", "Image"}) {
      if (!at->is_object() || !at->contains(key)) return "";
      at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : "";
  }

  std::map<std::string, std::string> RegistryAuthHeaders(const Json& spec) const {
    const RegistryAuth* auth = transport_->endpoint().registry_auth.get();
    std::string header = auth ? auth->HeaderFor(ImageOf(spec)) : std::string();
    if (header.empty()) return {};
    return {{"X-Registry-Auth", header}};
  }

  StatusOr<Json> Call(const std::string& method, const std::string& target, const Json* body,
                      bool json_reply = true, std::map<std::string, std::string> headers = {}) {
    // replace: invalid UTF-8 in a label must not throw out of the library.
    HttpRequest request{method, target,
                        body ? body->dump(-1, ' ', false, Json::error_handler_t::replace) : std::string(),
                        std::move(headers)};
    StatusOr<HttpResponse> response = transport_->RoundTrip(request);
    if (!response.ok()) return response.status();
    SWARMOP_RETURN_IF_ERROR(StatusFromHttp(response->status, response->body, method + " " + target));
    if (!json_reply || response->body.empty()) return Json();
    Json parsed = ParseEngineJson(response->body);
    if (parsed.is_discarded()) return InvalidJson(method + " " + target);
    return parsed;
  }

  // The body of a bodyless request's answer, unparsed.
  StatusOr<std::string> CallForText(const std::string& method, const std::string& target) {
    StatusOr<HttpResponse> response = transport_->RoundTrip(HttpRequest{method, target, std::string(), {}});
    if (!response.ok()) return response.status();
    SWARMOP_RETURN_IF_ERROR(StatusFromHttp(response->status, response->body, method + " " + target));
    return std::move(response->body);
  }

  static Status InvalidJson(const std::string& what) {
    return InternalError("the Docker engine sent invalid JSON, or JSON nested deeper than " +
                         std::to_string(kMaxJsonDepth) + " levels (" + what + ")");
  }

  template <typename T, typename Decode>
  StatusOr<T> Get(const std::string& path, Decode decode) {
    StatusOr<Json> reply = Call("GET", Path(path), nullptr);
    if (!reply.ok()) return reply.status();
    try {
      return decode(*reply);
    } catch (const std::exception& e) {  // decoders are tolerant; this is a last resort
      return InternalError("cannot decode the engine's reply to GET " + path + ": " + e.what());
    }
  }

  template <typename T, typename Decode>
  StatusOr<std::vector<T>> List(const std::string& path, const FilterMap& filters, Decode decode,
                                const std::string& extra_query = "") {
    std::string query = FiltersParam(filters);
    if (!extra_query.empty()) query += (query.empty() ? "" : "&") + extra_query;
    const std::string target = Path(path) + (query.empty() ? "" : "?" + query);
    StatusOr<std::string> body = CallForText("GET", target);
    if (!body.ok()) return body.status();
    // One element at a time: the tree of a whole listing of thousands of objects is never built.
    std::optional<std::vector<std::string_view>> elements = SplitJsonArray(*body);
    if (!elements) return DecodeWhole<T>(*body, "GET " + target, decode);
    std::vector<T> items;
    items.reserve(elements->size());
    try {
      for (std::string_view element : *elements) {
        Json item = ParseEngineJson(element);
        if (item.is_discarded()) return InvalidJson("GET " + target);
        items.push_back(decode(item, MemberText(element, "Spec")));
      }
    } catch (const std::exception& e) {
      return InternalError("cannot decode the engine's reply to GET " + path + ": " + e.what());
    }
    return items;
  }

  // A listing that is not a plain array (an error, an empty body): parsed whole, as any other answer.
  template <typename T, typename Decode>
  StatusOr<std::vector<T>> DecodeWhole(const std::string& text, const std::string& what, Decode decode) {
    std::vector<T> items;
    if (text.empty()) return items;
    Json parsed = ParseEngineJson(text);
    if (parsed.is_discarded()) return InvalidJson(what);
    try {
      if (parsed.is_array()) {
        for (const Json& item : parsed) items.push_back(decode(item, std::nullopt));
      }
    } catch (const std::exception& e) {
      return InternalError("cannot decode the engine's reply to " + what + ": " + e.what());
    }
    return items;
  }

  StatusOr<std::string> Create(const std::string& path, const Json& body) {
    StatusOr<Json> reply = Call("POST", Path(path), &body);
    if (!reply.ok()) return reply.status();
    return GetString(*reply, "ID");
  }

  Status Remove(const std::string& path) { return Call("DELETE", Path(path), nullptr, false).status(); }

  std::shared_ptr<HttpTransport> transport_;
  const std::string api_version_;
};

}  // namespace

std::unique_ptr<Engine> NewEngine(std::shared_ptr<HttpTransport> transport, std::string api_version) {
  return std::make_unique<EngineImpl>(std::move(transport), std::move(api_version));
}

StatusOr<std::unique_ptr<Engine>> Connect(const Endpoint& endpoint) {
  StatusOr<std::unique_ptr<HttpTransport>> made = NewBeastTransport(endpoint);
  if (!made.ok()) return made.status();
  std::shared_ptr<HttpTransport> transport = std::move(made).value();
  StatusOr<std::string> version = NegotiateApiVersion(*transport);
  if (!version.ok()) return version.status();
  return NewEngine(std::move(transport), *version);
}

}  // namespace swarmop::engine
