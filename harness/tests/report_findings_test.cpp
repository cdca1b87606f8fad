// report/findings: what each cell shows and what a run concludes per flag
// and target, from synthetic runs whose every cell is known.

#include "report/findings.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

struct FakeRun {
  RunReport r;

  FakeRun() {
    r.run.info.flags = {{"a", "abi", "", "", "rustc: -Za={value}"},
                        {"b", "abi", "", "", "rustc: -Zb={value}"},
                        {"k", "hardening", "", "", "clang: -fk"}};
    r.run.info.tools = {{"rustc", "rustc", "/bin/rustc", "rustc 1.95.0 (x)"}};
  }

  // A cell; `mix` is what rustc said mixing the sides' crates, if it tried.
  ShownResult& cell(const std::string& target, Setting c, Setting rust, Verdict v, std::optional<Stage> stage = {},
                    std::optional<std::string> mix = {}) {
    ShownResult s;
    s.result.key = std::to_string(r.results.size());
    s.result.name = s.result.key;
    s.result.target = target;
    s.result.fixture = "f";
    s.result.c_compiler = "clang-19";
    s.result.rustc = "rustc";
    s.result.pairing = c == rust ? Pairing::matched : rust.empty() ? Pairing::c_only : Pairing::cross;
    s.result.c = std::move(c);
    s.result.rust = std::move(rust);
    s.result.verdict = v;
    s.result.stage = stage;
    s.result.reason = stage ? "wrong value in x" : "";
    if (mix)
      s.rust_mix = RustMix{s.result.c, s.result.rust, !mix->empty(), *mix, "", std::nullopt};
    r.results.push_back(std::move(s));
    return r.results.back();
  }

  const FlagConclusion& row(const Conclusions& all, const std::string& flag, const std::string& target = "") {
    for (const auto& c : all.rows)
      if (c.flag->name == flag && c.target == target)
        return c;
    std::string rows;
    for (const auto& c : all.rows)
      rows += " " + c.flag->name + "/" + c.target;
    throw std::runtime_error("no row for " + flag + " " + target + " in" + rows);
  }
};

TEST(ReportFindings, TargetsThatConcludeDifferentlyGetARowEach) {
  FakeRun run;
  run.cell("x86_64", {{"a", "1"}}, {{"a", "1"}}, Verdict::pass);
  run.cell("x86_64", {{"a", "1"}}, {}, Verdict::xfail, Stage::run, "error: mixing `-Za` will cause an ABI mismatch");
  run.cell("i386", {{"a", "1"}}, {{"a", "1"}}, Verdict::pass);
  run.cell("i386", {{"a", "1"}}, {}, Verdict::xfail, Stage::check, "");
  auto all = conclude_run(run.r);
  EXPECT_EQ(all.rustcs, std::vector<std::string>{"rustc"});
  EXPECT_EQ(all.targets, (std::vector<std::string>{"x86_64", "i386"}));
  const auto& x86 = run.row(all, "a", "x86_64");
  EXPECT_EQ(x86.effect, MismatchEffect::breaks);
  EXPECT_EQ(x86.guards, (std::vector<RustcGuard>{{MixGuard::refuses, "-Za"}}));
  EXPECT_EQ(x86.verdict, Rfc3716::consistent);
  EXPECT_EQ(effect_text(x86), "breaks at run: wrong value in x (x86_64 f)");
  EXPECT_EQ(guard_text(x86.guards[0]), "refuses -Za");
  const auto& i386 = run.row(all, "a", "i386");
  EXPECT_EQ(i386.effect, MismatchEffect::loses_property);
  EXPECT_EQ(i386.guards[0].guard, MixGuard::accepts);
  EXPECT_EQ(i386.verdict, Rfc3716::consistent);
  EXPECT_EQ(all.by_target.size(), 2u);
  // Where the targets agree, one row covers them all.
  FakeRun same;
  same.cell("x86_64", {{"a", "1"}}, {}, Verdict::pass);
  same.cell("i386", {{"a", "1"}}, {}, Verdict::pass);
  auto one = conclude_run(same.r);
  ASSERT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(one.rows[0].target, "");
  EXPECT_EQ(targets_of(one, one.rows[0]), (std::vector<std::string>{"x86_64", "i386"}));
  EXPECT_EQ(effect_text(one.rows[0]), "no effect observed on f");
}

// A kernel profile: the build gives C a flag (k) Rust never sees, and a
// pair drops b from the Rust side. That pair speaks for b because its twin
// with b on both sides (the kernel's build) passes; a matched build with
// several flags that fails is no one flag's defect.
TEST(ReportFindings, AProfilePairSpeaksForTheFlagItDrops) {
  FakeRun run;
  Setting kernel_c{{"a", "1"}, {"b", "1"}, {"k", "on"}}, kernel_rust{{"a", "1"}, {"b", "1"}};
  run.cell("x86_64", kernel_c, kernel_rust, Verdict::pass, {}, "");
  run.cell("x86_64", kernel_c, {{"a", "1"}}, Verdict::xfail, Stage::run,
           "error: mixing `-Zb` will cause an ABI mismatch in crate `f`");
  auto& defect = run.cell("riscv64", {{"a", "1"}, {"b", "1"}}, {{"a", "1"}, {"b", "1"}}, Verdict::xfail, Stage::run);
  defect.expect_reason = "toolchain defect: see scripts/repro/x.sh";
  auto all = conclude_run(run.r);
  const auto& b = run.row(all, "b", "x86_64");
  EXPECT_EQ(b.effect, MismatchEffect::breaks);
  EXPECT_EQ(b.guards[0], (RustcGuard{MixGuard::refuses, "-Zb"}));
  EXPECT_EQ(b.defect, nullptr);
  EXPECT_EQ(run.row(all, "k").effect, MismatchEffect::none); // the kernel's own build, k alone differing
  EXPECT_EQ(run.row(all, "a").effect, MismatchEffect::untested); // never differing, on either target
  ASSERT_EQ(all.shared_defects.size(), 1u);
  EXPECT_EQ(all.shared_defects[0].cells.size(), 1u);
  EXPECT_EQ(all.shared_defects[0].reproducers, std::vector<std::string>{"scripts/repro/x.sh"});
  // Without a passing twin the pair says nothing of b.
  run.r.results[0].result.verdict = Verdict::xfail;
  run.r.results[0].result.stage = Stage::run;
  // rustc's refusal still counts: it is about mixing crates, not the run.
  auto failed_twin = conclude_run(run.r);
  EXPECT_EQ(run.row(failed_twin, "b", "x86_64").effect, MismatchEffect::untested);
  EXPECT_EQ(run.row(failed_twin, "b", "x86_64").guards[0], (RustcGuard{MixGuard::refuses, "-Zb"}));
}

TEST(ReportFindings, AMatchedDefectOfOneFlagIsThatFlagsConclusion) {
  FakeRun run;
  run.cell("x86_64", {{"a", "1"}}, {{"a", "1"}}, Verdict::xfail, Stage::run).expect_reason =
      "toolchain defect: Reproducer: scripts/repro/a.sh";
  run.cell("x86_64", {{"a", "1"}}, {}, Verdict::xfail, Stage::run).expect_reason =
      "toolchain defect: the same. Reproducer: scripts/repro/a.sh";
  EXPECT_EQ(finding_of(run.r.results[0]), Finding::toolchain_defect);
  EXPECT_EQ(finding_of(run.r.results[1]), Finding::toolchain_defect);
  auto all = conclude_run(run.r);
  const auto& a = run.row(all, "a");
  EXPECT_EQ(a.verdict, Rfc3716::toolchain_defect);
  EXPECT_EQ(a.defect, &run.r.results[0]);
  EXPECT_EQ(a.effect, MismatchEffect::untested); // the one mismatch is the defect's
  EXPECT_EQ(a.reproducers, std::vector<std::string>{"scripts/repro/a.sh"});
  EXPECT_TRUE(all.shared_defects.empty());
}

TEST(ReportFindings, WhatRustcSaysAboutMixingCrates) {
  FakeRun run;
  run.cell("x86_64", {{"a", "1"}}, {}, Verdict::xfail, Stage::run, "error: mixing `-Za` will cause an ABI mismatch");
  run.cell("x86_64", {{"a", "2"}, {"b", "1"}}, {}, Verdict::xfail, Stage::run,
           "error: mixing `-Zb` will cause an ABI mismatch");
  run.cell("x86_64", {{"a", "3"}}, {}, Verdict::xfail, Stage::run, "error[E0461]: couldn't find crate with expected target triple");
  run.cell("x86_64", {{"a", "4"}}, {}, Verdict::xfail, Stage::run, "");
  std::vector<const ShownResult*> cells;
  for (const auto& s : run.r.results)
    cells.push_back(&s);
  std::string example;
  const auto& flags = run.r.run.info.flags;
  EXPECT_EQ(rust_mix_summary(cells, &flags[0], flags, &example),
            "refuses 1 of 4; 1 of 4 refused for b (-Zb); 1 of 4 refused only for their other target triple; "
            "accepts 1 of 4");
  EXPECT_EQ(example, "error: mixing `-Za` will cause an ABI mismatch");
  EXPECT_EQ(rust_mix_summary({cells[0]}, &flags[0], flags, nullptr), "refuses");
  EXPECT_EQ(rust_mix_summary({}, &flags[0], flags, nullptr), "not tried");
  // A refusal naming another flag that differs says nothing of this one; a
  // mix rustc accepts says it lets this one differ.
  auto guard = conclude_run(run.r).rows[0].guards[0];
  EXPECT_EQ(guard, (RustcGuard{MixGuard::partly, "-Za"}));
  // rustc may name another option for the one flag a cell differs in
  // (-Zretpoline-external-thunk is refused as -Zretpoline): still a refusal.
  FakeRun alias;
  alias.cell("x86_64", {{"a", "1"}}, {}, Verdict::xfail, Stage::check, "error: mixing `-Zother` will cause an ABI mismatch");
  EXPECT_EQ(conclude_run(alias.r).rows[0].guards[0], (RustcGuard{MixGuard::refuses, "-Zother"}));
  EXPECT_EQ(reproducers_in("see scripts/repro/a.sh and scripts/repro/b-c.sh, again scripts/repro/a.sh"),
            (std::vector<std::string>{"scripts/repro/a.sh", "scripts/repro/b-c.sh"}));
  EXPECT_EQ(clipped("one two three", 9), "one two …");
}

} // namespace
} // namespace amx
