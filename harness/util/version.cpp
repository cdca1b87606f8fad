#include "util/version.hpp"

namespace amx {

// AMX_VERSION is given to this file alone, so a new commit rebuilds one file.
const char* harness_version() { return AMX_VERSION; }

} // namespace amx
