#include <gtest/gtest.h>

#include <string>

#include "graphclust/core/progress.hpp"

using namespace graphclust;

// Issue 17, defect 5: with stderr captured (a log, CI) the progress must not fill it with redraws.
TEST(Progress, StderrThatIsNotATerminalGetsOneLinePerStage) {
  testing::internal::CaptureStderr();  // a temporary file: not a terminal
  const Progress p = stderr_progress();
  p("spectral: setup", 0.0);
  p("spectral: eigenvectors", 0.0);
  for (int i = 1; i <= 100; ++i) p("spectral: eigenvectors", i / 100.0);
  p("k-means", -3);
  p("k-means", -4);
  p("k-means", 1.0);
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "spectral: setup\nspectral: eigenvectors\nk-means\n");
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(Progress, WarningsAreOneLineOnStderrAndSilentWhenEmpty) {
  testing::internal::CaptureStderr();
  warn(stderr_warning(), "g.txt:3: 'x' is not an integer node id");
  warn(Warning{}, "never printed");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "warning: g.txt:3: 'x' is not an integer node id\n");
}
