// report/console: the status line of each kind of result.

#include "report/console.hpp"

#include <gtest/gtest.h>

namespace amx {
namespace {

TEST(ReportConsole, StatusLines) {
  Target target{"i386", "", "", "", "qemu-i386", {}};
  Cell cell;
  cell.target = &target;
  cell.name = "i386 scalars clang-19/rustc c:regparm=3 rust:off";
  cell.expect_reason = "abi flag regparm differs between the sides";
  CellResult r;
  r.cell = &cell;
  r.elapsed = std::chrono::milliseconds(410);

  r.verdict = Verdict::pass;
  EXPECT_EQ(status_line(r, 12, 480), "PASS  [0.41s] (12/480) i386 scalars clang-19/rustc c:regparm=3 rust:off");
  r.verdict = Verdict::xfail;
  r.outcome = {false, Stage::run, "wrong value: c_to_rust.u8 expected 165, got 199"};
  EXPECT_EQ(status_line(r, 13, 480), "XFAIL [0.41s] (13/480) i386 scalars clang-19/rustc c:regparm=3 rust:off: run: "
                                     "wrong value: c_to_rust.u8 expected 165, got 199");
  r.verdict = Verdict::xpass;
  r.outcome = {};
  EXPECT_EQ(status_line(r, 14, 480), "XPASS [0.41s] (14/480) i386 scalars clang-19/rustc c:regparm=3 rust:off: "
                                     "passed, but expected to fail: abi flag regparm differs between the sides");
  r.verdict = Verdict::skip;
  r.outcome = {true, std::nullopt, "gcc has no spelling for kcfi=on"};
  EXPECT_EQ(status_line(r, 15, 480),
            "SKIP  [0.41s] (15/480) i386 scalars clang-19/rustc c:regparm=3 rust:off: gcc has no spelling for kcfi=on");
}

} // namespace
} // namespace amx
