// FakeGitFetcher: a GitFetcher that returns the revision a test set, or the error it set.
#pragma once

#include "swarmop/reconciler/gitops/git_source.h"

namespace swarmop::reconciler::testing {

class FakeGitFetcher : public GitFetcher {
 public:
  StatusOr<FetchedRevision> Fetch() override {
    ++fetches;
    if (!error.ok()) return error;
    return revision;
  }
  void Set(const std::string& commit, std::vector<crds::SourceFile> files) {
    revision = {commit, std::move(files)};
    error = Status::Ok();
  }

  FetchedRevision revision;
  Status error;
  int fetches = 0;
};

}  // namespace swarmop::reconciler::testing
