// `swarmop apply` and `swarmop diff` as one call each: validate the manifests against the stored estate,
// check every reference the writes need, store the specs, then converge the estate (estate_converge.h), or,
// for a dry run and a diff, report what would be stored and changed and write nothing. The command only
// parses flags, calls one of these, prints the EstateOutput's lines and maps the verdict to an exit code.
//
// Sequencing rules: nothing is stored when a spec is invalid or a reference is missing ("nothing stored,
// nothing changed"); a dry run and a diff never write. Engine errors of the local swarm come back as a
// Status whose message names what was being done ("reading the stored specs: ...").
// Thread-safety: one call at a time per engine and EstateOutput.
#pragma once

#include <vector>

#include "swarmop/base/status.h"
#include "swarmop/crds/load.h"
#include "swarmop/engine/engine.h"
#include "swarmop/reconciler/sites/estate_converge.h"

namespace swarmop::reconciler {

struct ApplyManifestsOptions {
  crds::LoadOptions load;  // the environment whose overrides apply
  bool dry_run = false;    // report what would be stored and changed; write nothing
  EstateOptions estate;    // rendering, sites, --wait
};

enum class ApplyVerdict {
  kApplied,       // specs stored and the estate converged (a dry run: reported)
  kRefused,       // an invalid spec or a missing reference: reported, nothing stored, nothing changed
  kNotConverged,  // specs stored; an operation failed, a service did not converge or a site was dark
};

// Stores the files' specs (as SpecStore::Apply) and converges the swarm to every stored spec.
StatusOr<ApplyVerdict> ApplyManifests(engine::Engine& engine, const std::vector<crds::SourceFile>& files,
                                      const ApplyManifestsOptions& options, const EstateOutput& output);

enum class DiffFormat { kText, kJson };

struct DiffManifestsOptions {
  crds::LoadOptions load;
  DiffFormat format = DiffFormat::kText;
  EstateOptions estate;
};

enum class DiffVerdict {
  kNoChanges,   // apply would store and change nothing
  kChanges,     // apply would store a spec or change a swarm
  kInvalid,     // a spec is invalid (reported): a diff of specs that cannot be applied means nothing
  kIncomplete,  // a separate site could not be reached or planned: the diff is incomplete
};

// What ApplyManifests would store and change, written nowhere: "create spec Service/x" lines then the
// swarm's plan and each separate site's (kText), or one JSON document {specs, swarm, sites} (kJson).
StatusOr<DiffVerdict> DiffManifests(engine::Engine& engine, const std::vector<crds::SourceFile>& files,
                                    const DiffManifestsOptions& options, const EstateOutput& output);

}  // namespace swarmop::reconciler
