// Stands in for the one libstdc++ 13 symbol that TorchSharp's native library needs and older
// libstdc++ (GCC 12, Debian 12) lacks. GCC 13 headers make every user of <iostream> reference
// std::ios_base_library_init() so that the library's own static initialiser sets up the standard
// streams; GCC 12's libstdc++ expects a static std::ios_base::Init in the user's code instead.
// This library gives both: the symbol, and the stream initialisation it stands for.
#include <ios>

namespace std {
void ios_base_library_init();
}

namespace {
std::ios_base::Init standard_streams;
}

void std::ios_base_library_init() {}
