// report/: what captured text can hold (markup, control bytes, broken
// UTF-8) never breaks a format or reaches a page as markup.

#include "report/html.hpp"
#include "report/junit.hpp"
#include "report/markdown.hpp"

#include <gmock/gmock.h>

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
  auto md = render_markdown(hostile());
  EXPECT_THAT(md, HasSubstr("wrong value: a\\|b &lt;b&gt;bold&lt;/b&gt; &amp; `tick`"));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));
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

} // namespace
} // namespace amx
