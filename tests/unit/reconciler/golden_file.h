// Golden files: what swarmop renders for another tool, checked in so that any change shows in review.
// SWARMOP_UPDATE_GOLDEN=1 rewrites them (after an intended change).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace swarmop::reconciler::testing {

inline void ExpectGolden(const std::string& path, const std::string& rendered) {
  if (std::getenv("SWARMOP_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::trunc) << rendered;
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path << " is missing (SWARMOP_UPDATE_GOLDEN=1 writes it)";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(rendered, golden.str()) << path;
}

}  // namespace swarmop::reconciler::testing
