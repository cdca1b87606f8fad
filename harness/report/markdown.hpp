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

// With a link base (a URL, or a path relative to where the report will
// live), reproducer scripts are links below it.
std::string render_markdown(const RunReport& r, std::size_t limit = kGithubCommentLimit,
                            const std::string& link_base = "");

// Text for a table cell or a line that renders as written: no line breaks,
// nothing that could end a cell, open HTML or emphasis; symbols that would
// (__x86_indirect_thunk_*) become code spans.
std::string markdown_text(const std::string& s);

// A code span of the text as written, in a table cell or a line.
std::string markdown_code(const std::string& s);

} // namespace amx
