#pragma once
// `abimatrix minimize`: which of the flags that differ between a failing
// cell's two sides make it fail? Delta debugging (Zeller and Hildebrandt,
// "Simplifying and Isolating Failure-Inducing Input", 2002) over those flags,
// each test an ad-hoc cell whose Rust side takes the C side's value for every
// differing flag outside the subset under test.

#include "model/result.hpp"
#include "model/setting.hpp"
#include "model/verdict.hpp"

#include <functional>
#include <string>
#include <vector>

namespace amx {

// What "fails the same way" compares: the stage, and for run and check what
// failed (the value check that went wrong, the signal, the lost property),
// without the values, counts or paths that vary from build to build.
std::string failure_kind(Stage stage, const std::string& reason);

// What "fails the same way" compares for a cell with its checks: at run and
// check, the failing checks themselves ("CASE: NAME wrong value", "CASE:
// SIGSEGV"), so that a cell that loses one defect and gains another does
// not count as the same; failure_kind where no check failed (a compile or
// link error, a database from before checks were recorded).
std::string failure_signature(Stage stage, const std::string& reason, const std::vector<CheckResult>& checks);

// The Rust side that differs from c only in `kept`, where it has rust's value.
Setting rust_side_keeping(const Setting& c, const Setting& rust, const std::vector<std::string>& kept);

// ddmin: a 1-minimal subset of `all` (in its order) for which fails() holds:
// removing any one flag from it makes fails() false. fails(all) is assumed
// true and is not asked; every other subset is asked at most once.
std::vector<std::string> ddmin(const std::vector<std::string>& all,
                               const std::function<bool(const std::vector<std::string>&)>& fails);

} // namespace amx
