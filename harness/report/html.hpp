#pragma once
// One self-contained HTML file (no network fetches): per flag, a grid of
// target, fixture and compiler against the two sides' settings, coloured by
// verdict; filters by flag, target, compiler and verdict; a click on a cell
// shows its reason, commands and output. The data travels as JSON inside
// the page and is put on screen as text only, so captured output cannot
// inject markup.

#include "report/run_report.hpp"

#include <string>

namespace amx {

std::string render_html(const RunReport& r);

} // namespace amx
