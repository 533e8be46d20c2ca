// Figures an integration test prints for people and bench scripts to read: "[measure] what: 1.23 s".
// Test-only.
#pragma once

#include <chrono>
#include <iostream>
#include <string>

namespace swarmop::testsupport {

inline double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

inline void Measure(const std::string& what, double seconds) {
  std::cout << "[measure] " << what << ": " << seconds << " s" << std::endl;
}

}  // namespace swarmop::testsupport
