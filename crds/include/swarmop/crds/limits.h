// Limits on what one manifest source may cost to parse. A spec can come from anyone allowed to
// `docker config create`, so the parser must refuse hostile input (a "billion laughs" of nested aliases, a
// multi-megabyte scalar, thousands of nested brackets) with a clear error instead of exhausting memory or
// the stack. Each exceeded limit is reported as `file:line:column: ... exceeds ...`.
// Thread-safety: plain values.
#pragma once

#include <cstddef>

namespace swarmop::crds {

struct ParseLimits {
  // Bytes of one source (file, stdin or Swarm config). A Swarm config holds at most 500 KiB (engines before
  // 20.10.15), so a bigger spec could never be stored anyway. Files are not read past this.
  size_t max_input_bytes = 500 * 1024;
  // Nodes (scalars, mappings, sequences) the documents of one source yield once every alias is expanded: an
  // alias counts every node it copies, so a few hundred bytes of nested aliases cannot expand to gigabytes.
  // (The reference estate is about 1500 nodes; 500 KiB of plain YAML can hardly make 250000.)
  size_t max_nodes = 250000;
  // Nesting of mappings and sequences. Real manifests nest about 10 deep.
  size_t max_depth = 64;
  // Documents (--- separated) in one source.
  size_t max_documents = 1000;
  // Bytes of one scalar (key or value). Large enough for a config's inline `content:`.
  size_t max_scalar_bytes = 256 * 1024;
};

}  // namespace swarmop::crds
