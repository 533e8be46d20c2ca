// Scans over JSON text that find where values are without parsing them. A listing of thousands of services
// is decoded one element at a time (the parsed tree of one service lives while it is decoded, never the
// tree of the whole answer, several times the size of the text), and a spec's raw text is cut out of the
// answer instead of serialising its parsed tree again. Internal to engine-client.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace swarmop::engine {

// The text of each element of the array `text` holds (surrounding whitespace trimmed; an element is not
// checked beyond its brackets, strings and commas: the caller parses it). nullopt when `text` is not one
// array whose brackets balance: the caller parses it whole and reports what is wrong.
std::optional<std::vector<std::string_view>> SplitJsonArray(std::string_view text);

// The text of the value of `key` in the object `text` (top level only; the first if it repeats), nullopt
// when `text` is not an object or has no such key. Meant for text a parser has accepted.
std::optional<std::string_view> MemberText(std::string_view text, std::string_view key);

}  // namespace swarmop::engine
