#pragma once
// Small string helpers shared by the loader, the runner and the reports.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amx {

std::vector<std::string> split_lines(std::string_view text);

// The first line of text that is not blank, trimmed; "" when there is none.
std::string first_line(std::string_view text);

// The first line containing "error" (any case), else first_line(text).
std::string first_error_line(std::string_view text);

// Splits a flag spelling such as "-mregparm=3 -freg-struct-return" on spaces.
std::vector<std::string> split_words(std::string_view text);

// One argument as POSIX sh reads it: as is when it is plain, else in
// single quotes.
std::string shell_quote(const std::string& arg);

// shell-like rendering of a command line, for logs and the database.
std::string render_command(const std::vector<std::string>& argv);

// The argv a render_command() string (or a compiler driver's -### line,
// which double-quotes) came from; nullopt when the quoting is broken.
std::optional<std::vector<std::string>> split_command(std::string_view text);

// fnmatch(3) glob match.
bool glob_match(const std::string& pattern, const std::string& text);

// The shortest length, at least `at_least`, at which the prefixes of these
// keys are all distinct (equal keys count once).
std::size_t unique_prefix_length(std::vector<std::string> keys, std::size_t at_least);

std::string join(const std::vector<std::string>& parts, std::string_view sep);

// The text with each control character (a newline, the ESC of a terminal
// escape sequence, DEL) shown as '?'.
std::string without_controls(std::string text);
// Control characters (NUL and ESC included) and DEL shown as \xNN, tab and
// newline kept: for text that ends up in a message, where a NUL would cut
// it short and an escape sequence would reach the terminal.
std::string escape_controls(std::string_view text);

// text with every `from` replaced by `to`; text itself when from is empty.
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// A decimal number made of digits only; nullopt for anything else, or one
// too large for 64 bits.
std::optional<std::uint64_t> parse_unsigned(std::string_view s);

} // namespace amx
