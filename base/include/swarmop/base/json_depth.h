// A cheap guard before parsing JSON that comes from elsewhere (the engine's answers and events, configs read
// back from the swarm): a parsed tree nested thousands deep would overflow the stack of whatever copies,
// compares or dumps it (those recurse once per level). Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace swarmop {

// Deepest nesting JSON may have here: Docker's answers nest about 10 deep.
inline constexpr size_t kMaxJsonDepth = 128;

// True when `text` nests arrays and objects deeper than `max_depth` (brackets inside strings do not count).
// One pass, stops at the first level past the limit; says nothing about whether the text is valid JSON.
bool JsonNestsDeeperThan(std::string_view text, size_t max_depth = kMaxJsonDepth);

}  // namespace swarmop
