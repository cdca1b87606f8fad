#pragma once
// JUnit XML for CI dashboards (Jenkins, GitLab): one testsuite per target
// and fixture, one testcase per cell. fail and xpass are failures with the
// reason and the decisive step's output; skips say why; xfail passes (the
// failure was expected), saying so in system-out. docs/junit.xsd is the
// schema the output is checked against.

#include "report/run_report.hpp"

#include <string>

namespace amx {

std::string render_junit(const RunReport& r);

// Text safe inside an XML 1.0 element or attribute: markup escaped, bytes
// XML cannot carry (control characters, broken UTF-8) written as \xNN.
std::string xml_text(const std::string& s);

} // namespace amx
