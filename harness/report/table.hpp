#pragma once
// Plain text tables for the query commands: columns padded to their widest
// cell, the last column left unpadded so long reasons do not pad every line.

#include <string>
#include <vector>

namespace amx {

std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

} // namespace amx
