// Boost.Process v2's own sources, compiled once. Boost 1.81's header-only
// mode leaves process_environment::on_setup undefined, so the core library
// builds it with BOOST_PROCESS_V2_SEPARATE_COMPILATION instead.
#include <boost/optional.hpp>
#include <boost/type_traits/remove_pointer.hpp>

#include <boost/process/v2/src.hpp>
