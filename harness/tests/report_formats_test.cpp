// report/: what captured text can hold (markup, control bytes, broken
// UTF-8) never breaks a format or reaches a page as markup.

#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/markdown.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

#include <gmock/gmock.h>

#include <regex>

namespace amx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RunReport hostile() {
  RunReport r;
  r.run.id = 7;
  r.run.status = "complete";
  r.run.info.matrix_name = "m";
  r.run.info.cells_planned = 1;
  r.run.info.flags = {{"regparm", "abi", "", "i386", "rustc: -Zregparm={value}"}};
  r.verdicts[Verdict::fail] = 1;
  ShownResult s;
  s.result = {7, "0123456789abcdef", "i386 scalars clang-19/rustc c:regparm=3 rust:off", "i386", "scalars",
              "clang-19", "rustc", {{"regparm", "3"}}, {}, Pairing::c_only, Verdict::fail, Expected::pass, Stage::run,
              "wrong value: a|b <b>bold</b> & `tick`"};
  s.steps.push_back({Stage::run, "run", "/usr/bin/qemu-i386 prog", "</script><script>alert(1)</script>\x01\xff\n", 1,
                     std::nullopt, false, false, false, 3.0});
  r.results.push_back(s);
  return r;
}

TEST(ReportFormats, MarkdownTextCannotBreakATableOrOpenHtml) {
  EXPECT_EQ(markdown_text("a|b <b>\nc & d"), "a\\|b &lt;b&gt; c &amp; d");
  // Markup characters are escaped; letters joined by "_" are no emphasis
  // and stay as written; symbols that would open emphasis become code.
  EXPECT_EQ(markdown_text("[x](y) *a* `t` ~~s~~ c_to_rust.int"), "\\[x\\](y) `*a*` \\`t\\` \\~\\~s\\~\\~ c_to_rust.int");
  EXPECT_EQ(markdown_text("calls __x86_indirect_thunk_* here."), "calls `__x86_indirect_thunk_*` here.");
  EXPECT_EQ(markdown_code("a`b|c"), "``a`b\\|c``");
  EXPECT_EQ(markdown_code("`x`"), "`` `x` ``");
  auto md = render_markdown(hostile());
  EXPECT_THAT(md, HasSubstr("wrong value: a\\|b &lt;b&gt;bold&lt;/b&gt; &amp; \\`tick\\`"));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));
}

// Symbols from checks and reasons, rendered by cmark-gfm (GitHub's
// Markdown), read back as text: each is exactly as written.
TEST(ReportFormats, SymbolsRenderAsWrittenInGithubMarkdown) {
  AMX_REQUIRE_TOOLS("cmark-gfm");
  const std::vector<std::string> symbols = {"__x86_indirect_thunk_*", "__x86_return_thunk", "_start", "__cfi_ind_c_add",
                                            "x._y", "trailing_", "a*b*c", "[link](x)", "~~struck~~", "<T>", "a\\b",
                                            "&amp;", "`tick`", "a|b"};
  RunReport r = hostile();
  auto& s = r.results[0];
  s.result.reason = "calls " + join(symbols, " and ") + " and more";
  s.expect_reason = "toolchain defect: " + join(symbols, ", ");
  s.result.pairing = Pairing::matched;
  s.result.rust = s.result.c;
  test::ScopedTempDir dir;
  test::write_file(dir.path() / "r.md", render_markdown(r));
  ProcessSpec spec;
  spec.exe = find_program("cmark-gfm");
  spec.args = {"-e", "table", (dir.path() / "r.md").string()};
  spec.timeout = std::chrono::seconds(30);
  auto html = run_process(spec);
  ASSERT_EQ(html.exit_code, 0) << html.output;
  // The text a reader sees: tags dropped, entities decoded.
  std::string text = std::regex_replace(html.output, std::regex("<[^>]*>"), "");
  for (auto [entity, c] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}})
    text = std::regex_replace(text, std::regex(entity), c);
  for (const auto& sym : symbols)
    EXPECT_THAT(text, HasSubstr(" " + sym + " and ")) << sym;
  EXPECT_THAT(html.output, HasSubstr("<code>__x86_indirect_thunk_*</code>"));
  EXPECT_THAT(html.output, Not(HasSubstr("<del>")));
  EXPECT_THAT(html.output, Not(HasSubstr("<a href")));
}

TEST(ReportFormats, XmlTextCarriesAnyBytes) {
  EXPECT_EQ(xml_text("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(xml_text(std::string("x\x01y\xffz\n")), "x\\x01y\\xffz\n");
  EXPECT_EQ(xml_text("größe"), "größe"); // valid UTF-8 stays
  auto xml = render_junit(hostile());
  EXPECT_THAT(xml, HasSubstr("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\x01\\xff"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"wrong value: a|b &lt;b&gt;bold&lt;/b&gt; &amp; `tick`\" type=\"run\">"));
}

TEST(ReportFormats, HtmlCarriesCapturedTextOnlyAsData) {
  auto html = render_html(hostile());
  // The page has exactly its own two scripts; the captured one is data.
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("</script><script>alert")));
  EXPECT_THAT(html, HasSubstr("\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"));
  std::size_t scripts = 0;
  for (std::size_t at = 0; (at = html.find("<script", at)) != std::string::npos; at++)
    scripts++;
  EXPECT_EQ(scripts, 2u);
  // The page puts data on screen as text, never as markup.
  EXPECT_THAT(html, Not(HasSubstr("innerHTML")));
}

// A cell with two defects: wrong arguments in one case, a crash in another.
RunReport two_defects() {
  RunReport r = hostile();
  auto& s = r.results[0];
  s.result.verdict = Verdict::xfail;
  s.result.expected = Expected::fail;
  s.result.reason = "wrong value in rs_structs_take: ...; SIGSEGV in rs_ret_two64";
  auto value = [](std::string name, bool held) {
    CheckResult c;
    c.kind = CheckKind::value;
    c.property = std::move(name);
    c.test = "rs_structs_take";
    c.held = held;
    c.c_type = "uint8_t";
    c.rust_type = "u8";
    c.expected = "195 (0xc3)";
    c.received = held ? c.expected : "8 (0x8)";
    c.detail = held ? "" : "expected 195 (0xc3), got 8 (0x8)";
    return c;
  };
  CheckResult crash;
  crash.kind = CheckKind::crash;
  crash.property = crash.test = "rs_ret_two64";
  crash.held = false;
  crash.detail = "SIGSEGV";
  s.checks = {value("c_to_rust.small.a", false), value("c_to_rust.pair.a", true), value("c_to_rust.mixed.a", false),
              crash};
  return r;
}

TEST(ReportFormats, MarkdownAndJunitListEveryFailingCheckNotOnlyTheFirst) {
  auto md = render_markdown(two_defects());
  EXPECT_THAT(md, HasSubstr("| rs_structs_take: c_to_rust.small.a, c_to_rust.mixed.a; rs_ret_two64: SIGSEGV |"));
  auto xml = render_junit(two_defects());
  EXPECT_THAT(xml, HasSubstr("failing checks:\n"
                             "rs_structs_take: c_to_rust.small.a (uint8_t/u8, C-&gt;Rust): wrong value: "
                             "expected 195 (0xc3), got 8 (0x8)\n"
                             "rs_structs_take: c_to_rust.mixed.a (uint8_t/u8, C-&gt;Rust): wrong value: "
                             "expected 195 (0xc3), got 8 (0x8)\n"
                             "rs_ret_two64: SIGSEGV\n"));
  EXPECT_THAT(xml, Not(HasSubstr("c_to_rust.pair.a")));
}

} // namespace
} // namespace amx
