// RenderTemplate: kainjow mustache over the values, plus the helpers logic-less mustache lacks.
#include "helpers.h"

#include <kainjow/mustache.hpp>
#include <stdexcept>

namespace swarmop::charts::internal {
namespace {

namespace mustache = kainjow::mustache;

// Thrown by a helper; caught by RenderTemplate, which points at the helper's section.
struct HelperError : std::runtime_error {
  HelperError(const std::string& message, std::string section)
      : std::runtime_error(message), section_text(std::move(section)) {}
  std::string section_text;
};

mustache::data ToData(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      // Each member also as "<key>_yaml": its flow YAML, so that toYaml works on a list item's fields.
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, member] : value.items()) {
        out.set(key, ToData(member));
        out.set(key + "_yaml", mustache::data{member.dump()});
        // "<key>_any": a list tested without iterating it ({{#secrets_any}}...{{/secrets_any}}).
        if (member.is_array()) out.set(key + "_any", mustache::data{!member.empty()});
      }
      return out;
    }
    case nlohmann::json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const nlohmann::json& item : value) out.push_back(ToData(item));
      return out;
    }
    case nlohmann::json::value_t::string:  // "" is false in a section, like an absent value
      if (value.get_ref<const std::string&>().empty()) return mustache::data{false};
      return mustache::data{value.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return mustache::data{false};
    default:
      return mustache::data{value.dump()};
  }
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

const nlohmann::json* Lookup(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* at = &root;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos) {
      const size_t index = std::stoul(key);
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at;
}

bool IsUnset(const nlohmann::json* value) {
  return value == nullptr || value->is_null() ||
         (value->is_string() && value->get_ref<const std::string&>().empty());
}

std::string Plain(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// PATH from the root (Values.x); otherwise as a mustache name in the current context (a list item's field),
// "" when it names nothing there either.
std::string ResolvePlain(const nlohmann::json& root, const std::string& path,
                         const mustache::renderer& render) {
  if (const nlohmann::json* value = Lookup(root, path)) return IsUnset(value) ? "" : Plain(*value);
  return render("{{" + path + "}}", false);
}

// "PATH|REST" -> {PATH trimmed, REST}; REST is nullopt without a '|'.
std::pair<std::string, std::optional<std::string>> SplitArgs(const std::string& text) {
  const size_t bar = text.find('|');
  if (bar == std::string::npos) return {Trim(text), std::nullopt};
  return {Trim(text.substr(0, bar)), text.substr(bar + 1)};
}

void AddHelpers(mustache::data& data, const nlohmann::json& root) {
  data.set("toYaml", mustache::lambda2{[&root](const std::string& text, const mustache::renderer& render) {
             const std::string path = Trim(render(text, false));
             if (const nlohmann::json* value = Lookup(root, path)) return value->dump();
             const std::string in_context = render("{{" + path + "_yaml}}", false);
             if (in_context.empty()) throw HelperError("toYaml: no value at " + path, text);
             return in_context;
           }});
  data.set("join", mustache::lambda2{[&root](const std::string& text, const mustache::renderer& render) {
             auto [path, sep] = SplitArgs(render(text, false));
             const nlohmann::json* value = Lookup(root, path);
             if (value == nullptr || !value->is_array())
               throw HelperError("join: " + path + " is not a list", text);
             std::string out;
             for (size_t i = 0; i < value->size(); ++i)
               out += (i ? sep.value_or(", ") : "") + Plain((*value)[i]);
             return out;
           }});
  data.set("default", mustache::lambda2{[&root](const std::string& text, const mustache::renderer& render) {
             auto [path, fallback] = SplitArgs(text);
             const std::string value = ResolvePlain(root, Trim(render(path, false)), render);
             return value.empty() ? render(fallback.value_or(""), false) : value;
           }});
  data.set("required", mustache::lambda2{[&root](const std::string& text, const mustache::renderer& render) {
             auto [path, message] = SplitArgs(render(text, false));
             const std::string value = ResolvePlain(root, path, render);
             if (value.empty()) throw HelperError(Trim(message.value_or(path + " is required")), text);
             return value;
           }});
  data.set("quote", mustache::lambda2{[](const std::string& text, const mustache::renderer& render) {
             return nlohmann::json(render(text, false)).dump();
           }});
}

crds::Diagnostic At(const std::string& file, const std::string& content, size_t offset,
                    const std::string& message) {
  crds::Diagnostic d;
  d.file = file;
  d.line = 1;
  d.column = 1;
  for (size_t i = 0; i < offset && i < content.size(); ++i) {
    if (content[i] == '\n') {
      ++d.line;
      d.column = 1;
    } else {
      ++d.column;
    }
  }
  d.message = message;
  return d;
}

// kainjow's "Unclosed section \"x\" at 123": the message, and the offset it names.
crds::Diagnostic FromMustacheError(const std::string& file, const std::string& content,
                                   const std::string& error) {
  const size_t at = error.rfind(" at ");
  if (at != std::string::npos && error.find_first_not_of("0123456789", at + 4) == std::string::npos &&
      at + 4 < error.size()) {
    return At(file, content, std::stoul(error.substr(at + 4)), "template: " + error.substr(0, at));
  }
  return At(file, content, 0, "template: " + error);
}

}  // namespace

TemplateOutput RenderTemplate(const std::string& file, const std::string& content,
                              const nlohmann::json& root) {
  TemplateOutput out;
  mustache::mustache tmpl{content};
  if (!tmpl.is_valid()) {
    out.error = FromMustacheError(file, content, tmpl.error_message());
    return out;
  }
  tmpl.set_custom_escape([](const std::string& text) { return text; });
  mustache::data data = ToData(root);
  AddHelpers(data, root);
  try {
    out.text = tmpl.render(data);
  } catch (const HelperError& e) {
    const size_t at = content.find(e.section_text);
    out.error = At(file, content, at == std::string::npos ? 0 : at, e.what());
    return out;
  }
  if (!tmpl.is_valid()) out.error = FromMustacheError(file, content, tmpl.error_message());
  return out;
}

}  // namespace swarmop::charts::internal
