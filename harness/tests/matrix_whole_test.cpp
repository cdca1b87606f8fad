// matrix/whole: the checks on a loaded matrix as a whole, each an error at
// the line it is about: a flag nothing can vary, an expectation no cell
// matches, a matrix past max-cells (refused before it is expanded).

#include "matrix_load_fixture.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>

namespace amx {
namespace {

class MatrixWhole : public test::MatrixLoad {};

TEST_F(MatrixWhole, AFlagThatNothingCanVaryIsAnErrorAtItsKey) {
  // fixed-x18 applies to aarch64 alone.
  EXPECT_EQ(first_line(load_error(matrix_with("targets: [i386, aarch64]", "targets: [i386]", "  fixed-x18:\n"))),
            "DIR/m.yaml:8:3: error: flag 'fixed-x18' varies in no cell: it applies to aarch64, none of the "
            "matrix's targets");
  // scalars does not observe fixed-x18; x18 does, on aarch64 only.
  EXPECT_EQ(first_line(load_error(matrix("  fixed-x18:\n"))),
            "DIR/m.yaml:8:3: error: flag 'fixed-x18' varies in no cell: no fixture of the matrix observes it (a "
            "fixture lists the flags it observes)");
  auto observed = matrix_with("fixtures: [scalars]", "fixtures: [scalars, x18]", "  fixed-x18:\n");
  observed.replace(0, observed.find('\n'), "import: " + (test::kSourceDir / "matrices/flags.yaml").string());
  EXPECT_EQ(load_error(observed), "(no error)");
}

TEST_F(MatrixWhole, AnExpectationThatMatchesNoCellIsAnErrorAtItsMatch) {
  const std::string reason = "    verdict: fail\n    reason: because\n";
  // Each key matches something; together (a C-only pair never sets Rust's regparm) nothing.
  EXPECT_EQ(first_line(load_error(matrix("pairings: [c-only]\nexpect:\n  - match: {pairing: c-only, rust: {regparm: "
                                         "\"3\"}}\n" + reason))),
            "DIR/m.yaml:10:12: error: this expectation matches no cell of the matrix: its keys match cells one by "
            "one, but no cell has them all (see `abimatrix plan`)");
  // regparm is an i386 flag: no aarch64 cell sets it.
  EXPECT_EQ(first_line(load_error(matrix("expect:\n  - match: {target: aarch64, c: {regparm: \"3\"}}\n" + reason))),
            "DIR/m.yaml:9:12: error: this expectation matches no cell of the matrix: its keys match cells one by "
            "one, but no cell has them all (see `abimatrix plan`)");
  EXPECT_NO_THROW(load_matrix_text(matrix("expect:\n  - match: {target: i386, c: {regparm: \"3\"}}\n" + reason)));
}

TEST_F(MatrixWhole, AMatrixPastMaxCellsIsRefusedBeforeExpansion) {
  // Seven flags of nine values each, in every combination (10^7), crossed: 10^14 pairs.
  std::string catalogue = "flags:\n", flags;
  for (int f = 0; f < 7; f++) {
    catalogue += fmt::format("  f{}:\n    class: abi\n    values: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n    rustc: -Cf{}={{value}}\n"
                             "    clang: -f{}={{value}}\n",
                             f, f, f);
    flags += fmt::format("  f{}:\n", f);
  }
  test::write_file(m_dir.path() / "many.yaml", catalogue);
  test::write_file(m_dir.path() / "gen" / "fixture.yaml",
                   "description: many flags\nflags: [f0, f1, f2, f3, f4, f5, f6]\ngenerate:\n  scalars: [i32]\n  arguments: 2\n");
  auto text = "import: many.yaml\nfixtures-dir: .\ntargets: [x86_64]\nc-compilers: [clang-19]\nfixtures: [gen]\n"
              "combine: product\npairings: [cross]\nflags:\n" + flags;
  EXPECT_EQ(first_line(load_error(text)),
            "DIR/m.yaml:9:3: error: the matrix would expand to up to 100000000000000 cells, more than max-cells "
            "(1000000): narrow its flags, fixtures or pairings, or raise max-cells");
  EXPECT_EQ(first_line(load_error(matrix("max-cells: 5\n"))),
            "DIR/m.yaml:7:3: error: the matrix would expand to up to 6 cells, more than max-cells (5): narrow its "
            "flags, fixtures or pairings, or raise max-cells");
  EXPECT_EQ(load_matrix_text(matrix("max-cells: 6\n")).max_cells, 6u);
  EXPECT_EQ(first_line(load_error(matrix("max-cells: 0\n"))),
            "DIR/m.yaml:8:12: error: 'max-cells' must be a whole number from 1 to 1000000000, not '0'");
}

} // namespace
} // namespace amx
