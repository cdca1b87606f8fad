// compile/linker: the linker command read from a driver's -### output, as
// clang and gcc print it, and a real link through it.

#include "compile/linker.hpp"

#include <gmock/gmock.h>

namespace amx {
namespace {

using V = std::vector<std::string>;

TEST(CompileLinker, ClangQuotesEveryWord) {
  auto out = "Debian clang version 19.1.7\nTarget: x86_64-unknown-linux-gnu\nInstalledDir: /usr/lib/llvm-19/bin\n"
             " \"/usr/lib/llvm-19/bin/ld.lld\" \"--hash-style=gnu\" \"-m\" \"elf_x86_64\" \"-static\" \"-o\" "
             "\"/w/linker/stand-in-program\" \"-L/usr/lib/a b\" \"/w/linker/stand-in.o\"\n";
  auto cmd = last_driver_command(out);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(*cmd, (V{"/usr/lib/llvm-19/bin/ld.lld", "--hash-style=gnu", "-m", "elf_x86_64", "-static", "-o",
                     "/w/linker/stand-in-program", "-L/usr/lib/a b", "/w/linker/stand-in.o"}));
  EXPECT_EQ(linker_args(*cmd, "/w/linker/stand-in.o", "/w/linker/stand-in-program", {"/w/a.o", "/w/b.a"}),
            (V{"--hash-style=gnu", "-m", "elf_x86_64", "-static", "-L/usr/lib/a b", "/w/a.o", "/w/b.a"}));
}

TEST(CompileLinker, GccsCollect2LosesOnlyItsLtoPlugin) {
  auto out = "Using built-in specs.\nCOLLECT_GCC=x86_64-linux-gnu-gcc\n"
             " /usr/lib/gcc/x86_64-linux-gnu/12/collect2 -plugin /usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so "
             "\"-plugin-opt=/usr/lib/gcc/x86_64-linux-gnu/12/lto-wrapper\" \"-plugin-opt=-fresolution=/tmp/cc9.res\" "
             "--build-id -m elf_x86_64 \"--hash-style=gnu\" --as-needed -static -o /w/stand-in-program "
             "-L/usr/lib/gcc/x86_64-linux-gnu/12 /w/stand-in.o\n"
             "COLLECT_GCC_OPTIONS='-static' '-nostdlib'\n";
  auto cmd = last_driver_command(out);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->front(), "/usr/lib/gcc/x86_64-linux-gnu/12/collect2");
  EXPECT_EQ(linker_args(*cmd, "/w/stand-in.o", "/w/stand-in-program", {"/w/x.o"}),
            (V{"--build-id", "-m", "elf_x86_64", "--hash-style=gnu", "--as-needed", "-static",
               "-L/usr/lib/gcc/x86_64-linux-gnu/12", "/w/x.o"}));
}

TEST(CompileLinker, NoCommandOrNoStandInIsNothing) {
  EXPECT_FALSE(last_driver_command("clang-19: error: no such file or directory: 'x.o'\n"));
  EXPECT_FALSE(last_driver_command(" \"/usr/bin/ld\" \"unterminated\n"));
  V cmd = {"/usr/bin/ld", "-o", "/w/out", "/w/other.o"};
  EXPECT_FALSE(linker_args(cmd, "/w/stand-in.o", "/w/out", {"/w/x.o"}));
  EXPECT_FALSE(linker_args(cmd, "/w/other.o", "/w/elsewhere", {"/w/x.o"}));
}

} // namespace
} // namespace amx
