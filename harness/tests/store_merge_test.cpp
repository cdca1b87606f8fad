// store/merge: which runs belong together, and that what is merged is what
// the shards recorded (settings, targets, steps and their outputs, checks).

#include "model/cell.hpp"
#include "store/database.hpp"
#include "store/merge.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

#include <gmock/gmock.h>

#include <deque>

namespace amx {
namespace {

using ::testing::HasSubstr;
using test::rows;
using V = std::vector<std::string>;

const Tool kRustc{"rustc", "rustc", "/usr/bin/rustc", "rustc 1.95.0"};

class StoreMerge : public ::testing::Test {
protected:
  // A database with one run of `fixtures` (one cell each), as shard p.
  std::filesystem::path shard(const std::string& name, std::optional<Partition> p,
                              const std::vector<std::string>& fixtures, const Tool& rustc = kRustc,
                              const std::string& matrix_hash = "hash1") {
    auto path = m_dir.path() / (name + ".db");
    Database db(path);
    RunInfo info{"m.yaml", "m", matrix_hash, name, 1, fixtures.size(), {rustc}, "", p};
    auto run = db.begin_run(info);
    // What rustc made of regparm's spelling: every shard asked the same.
    db.record_spellings(run, {{rustc, "regparm", "3", "i386", "-Zregparm={value}", "-Zregparm=3", true, true, "",
                               Stability::unstable, "error: the option `Z` is only accepted on the nightly compiler"}});
    ResultWriter writer(db, run);
    for (const auto& f : fixtures) {
      auto& fixture = m_fixtures.emplace_back(Fixture{f, "", {}, {}, {}});
      Cell& cell = m_cells.emplace_back();
      cell.target = &m_target;
      cell.fixture = &fixture;
      cell.c_compiler = &m_cc;
      cell.rustc = "rustc";
      cell.c = {{"regparm", "3"}};
      cell.key = cell_key("i386", f, "clang-19", cell.c, "rustc", {});
      cell.name = "i386 " + f + " clang-19/rustc c:regparm=3 rust:off";
      cell.pairing = Pairing::c_only;
      cell.expected = Expected::fail;
      CellResult r;
      r.cell = &cell;
      r.verdict = Verdict::xfail;
      r.outcome = {false, Stage::run, "wrong value in " + f};
      StepRecord step;
      step.stage = Stage::run;
      step.step = "run";
      step.argv = {"/usr/bin/qemu-i386", "/tmp/" + f};
      step.result.started = true;
      step.result.exit_code = 1;
      step.result.output = "output of " + f + "\n";
      step.env = {"RUSTC_BOOTSTRAP=1"};
      r.steps = {step};
      r.checks = {{"thunk-used", "regparm", true, "checked " + f}};
      writer.push(r);
    }
    writer.close();
    db.finish_run(run, RunStatus::complete);
    return path;
  }

  test::ScopedTempDir m_dir;
  Target m_target{"i386", "i686-unknown-linux-gnu", "i686-linux-gnu", "i686-linux-gnu", "qemu-i386", {}};
  CCompiler m_cc{"clang-19", Family::clang};
  std::deque<Fixture> m_fixtures;
  std::deque<Cell> m_cells;
};

TEST_F(StoreMerge, CopiesEverythingTheShardsRecorded) {
  auto a = shard("a", Partition{1, 2}, {"scalars", "structs"});
  auto b = shard("b", Partition{2, 2}, {"callbacks"});
  auto into = m_dir.path() / "all.db";
  shard("all", std::nullopt, {"floats"}); // into already holds a run: the merged one comes next
  std::filesystem::rename(m_dir.path() / "all.db", into);
  auto out = merge_runs({a, b}, into, {});
  EXPECT_EQ(out.run, 2);
  EXPECT_EQ(out.results, 3u);
  EXPECT_EQ(out.status, "complete");
  EXPECT_TRUE(out.notes.empty());
  EXPECT_EQ(rows(into, "SELECT target || ' ' || fixture || ' ' || verdict || ' ' || reason FROM flat_results WHERE "
                       "run_id = 2 ORDER BY fixture"),
            (std::vector<V>{{"i386 callbacks xfail wrong value in callbacks"},
                            {"i386 scalars xfail wrong value in scalars"},
                            {"i386 structs xfail wrong value in structs"}}));
  EXPECT_EQ(rows(into, "SELECT o.text FROM steps s JOIN outputs o ON o.id = s.output_id JOIN cells c ON c.key = "
                       "s.cell_key WHERE s.run_id = 2 AND c.fixture = 'structs'"),
            (std::vector<V>{{"output of structs\n"}}));
  EXPECT_EQ(rows(into, "SELECT detail FROM checks WHERE run_id = 2 ORDER BY detail"),
            (std::vector<V>{{"checked callbacks"}, {"checked scalars"}, {"checked structs"}}));
  EXPECT_EQ(rows(into, "SELECT count(*) FROM setting_flags f JOIN settings s ON s.id = f.setting_id WHERE s.text = "
                       "'regparm=3'"),
            (std::vector<V>{{"1"}}));
  EXPECT_EQ(rows(into, "SELECT host, jobs, cells_planned, status FROM runs WHERE id = 2"),
            (std::vector<V>{{"a; b", "2", "3", "complete"}}));
  EXPECT_EQ(rows(into, "SELECT version FROM run_tools WHERE run_id = 2"), (std::vector<V>{{"rustc 1.95.0"}}));
  // The spellings once, though each shard recorded them; the steps' variables.
  EXPECT_EQ(rows(into, "SELECT args, chosen, accepted, stability FROM run_spellings WHERE run_id = 2"),
            (std::vector<V>{{"-Zregparm=3", "1", "1", "unstable"}}));
  EXPECT_EQ(rows(into, "SELECT DISTINCT env FROM steps WHERE run_id = 2"), (std::vector<V>{{"RUSTC_BOOTSTRAP=1"}}));
  EXPECT_EQ(rows(into, "PRAGMA foreign_key_check"), std::vector<V>{});
}

TEST_F(StoreMerge, RefusesRunsThatAreNotShardsOfOneRun) {
  auto a = shard("a", Partition{1, 2}, {"scalars"});
  auto expect_refusal = [&](const std::vector<std::filesystem::path>& in, const std::string& why,
                            std::filesystem::path into = {}) {
    if (into.empty())
      into = m_dir.path() / "into.db";
    try {
      merge_runs(in, into, {});
      ADD_FAILURE() << "merged: " << why;
    } catch (const FatalError& e) {
      EXPECT_THAT(e.what(), HasSubstr(why));
    }
    // Refused before anything was written, and no new file left behind.
    EXPECT_EQ(rows(into, "SELECT id FROM runs WHERE merged_from != ''"), std::vector<V>{});
    if (into.filename() == "into.db")
      EXPECT_FALSE(std::filesystem::exists(into));
  };
  Tool newer = kRustc;
  newer.version = "rustc 1.96.0";
  auto other_tools = shard("t", Partition{2, 2}, {"structs"}, newer);
  expect_refusal({a, other_tools}, "used different tools (- first, + second):\n  - rustc rustc /usr/bin/rustc: rustc "
                                   "1.95.0\n  + rustc rustc /usr/bin/rustc: rustc 1.96.0");
  auto other_matrix = shard("o", Partition{2, 2}, {"structs"}, kRustc, "hash2");
  expect_refusal({a, other_matrix}, "not shards of one run");
  expect_refusal({a, shard("a2", Partition{1, 2}, {"structs"})}, "are both shard 1/2");
  expect_refusal({a, shard("w", std::nullopt, {"scalars"})}, "has a result in both");
  expect_refusal({a, shard("p", Partition{2, 3}, {"structs"})}, "different partitions (1/2, 2/3)");
  expect_refusal({a, m_dir.path() / "missing.db"}, "missing.db: no such database");
  expect_refusal({a, a}, "a.db: given twice (as " + a.string() + " before)");
  expect_refusal({a}, "an input cannot also be the --into database", a);
  // The same file by another name is the same file.
  std::filesystem::create_hard_link(a, m_dir.path() / "a-link.db");
  expect_refusal({a, m_dir.path() / "a-link.db"}, "a-link.db: given twice");
  expect_refusal({m_dir.path() / "a-link.db"}, "an input cannot also be the --into database", a);

  // Told to, it merges them, and says the tools were mixed by listing both.
  auto mixed = merge_runs({a, other_tools}, m_dir.path() / "mixed.db", {AllowDifferent::no, AllowDifferent::yes});
  EXPECT_EQ(mixed.status, "complete");
  EXPECT_EQ(rows(m_dir.path() / "mixed.db", "SELECT version FROM run_tools ORDER BY version"),
            (std::vector<V>{{"rustc 1.95.0"}, {"rustc 1.96.0"}}));
  auto both = merge_runs({a, other_matrix}, m_dir.path() / "both.db", {AllowDifferent::yes, AllowDifferent::no});
  EXPECT_EQ(rows(m_dir.path() / "both.db", "SELECT matrix_hash FROM runs"), (std::vector<V>{{"hash1+hash2"}}));
}

TEST_F(StoreMerge, AMissingShardIsMergedAndSaid) {
  auto a = shard("a", Partition{1, 3}, {"scalars"});
  auto c = shard("c", Partition{3, 3}, {"structs"});
  auto out = merge_runs({a, c}, m_dir.path() / "into.db", {});
  EXPECT_EQ(out.status, "interrupted");
  EXPECT_EQ(out.notes, (V{"shard 2/3 is missing"}));
  EXPECT_EQ(rows(m_dir.path() / "into.db", "SELECT status FROM runs"), (std::vector<V>{{"interrupted"}}));
}

} // namespace
} // namespace amx
