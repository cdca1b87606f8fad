#pragma once
// The evidence as GitHub-flavoured Markdown, to paste into an RFC or a
// kernel thread: per flag, what each pairing did, with the exact toolchain
// versions; cell tables in <details>. Stays under `limit` characters (a
// GitHub comment's 65,536) by leaving out the longest detail first, and
// says what it left out.

#include "report/run_report.hpp"

#include <string>

namespace amx {

constexpr std::size_t kGithubCommentLimit = 65536;

std::string render_markdown(const RunReport& r, std::size_t limit = kGithubCommentLimit);

// Text for a table cell or a line: no line breaks, and nothing that could
// end a cell or open HTML.
std::string markdown_text(const std::string& s);

} // namespace amx
