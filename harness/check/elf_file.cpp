#include "check/elf_file.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <memory>
#include <unistd.h>

namespace amx {

namespace {

// The GNU property types of the features (elf.h of newer glibc has them).
constexpr std::uint32_t kX86Feature1And = 0xc0000002;
constexpr std::uint32_t kAarch64Feature1And = 0xc0000000;

// An open file and libelf's view of it, closed in reverse.
class ElfHandle {
public:
  explicit ElfHandle(const std::filesystem::path& file) : m_file(file) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      fail("libelf is too old");
    m_fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0)
      throw FatalError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    m_elf = elf_begin(m_fd, ELF_C_READ, nullptr);
    if (!m_elf)
      fail(elf_errmsg(-1));
  }
  ~ElfHandle() {
    elf_end(m_elf);
    ::close(m_fd);
  }
  ElfHandle(const ElfHandle&) = delete;
  ElfHandle& operator=(const ElfHandle&) = delete;

  Elf* elf() const { return m_elf; }
  int fd() const { return m_fd; }
  [[noreturn]] void fail(const std::string& why) const {
    throw FatalError(fmt::format("cannot read {} as ELF: {}", m_file.string(), why));
  }

private:
  std::filesystem::path m_file;
  int m_fd = -1;
  Elf* m_elf = nullptr;
};

std::uint32_t word32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v); // every target under test is little-endian, as is the host
  return v;
}

// The features of one NT_GNU_PROPERTY_TYPE_0 descriptor: properties of
// type, size and data, each padded to the class's word.
void add_features(const char* desc, std::size_t size, unsigned machine, unsigned word, std::set<std::string>& out) {
  for (std::size_t at = 0; at + 8 <= size;) {
    auto type = word32(desc + at), datasz = word32(desc + at + 4);
    if (at + 8 + datasz > size)
      break;
    if (datasz >= 4) {
      auto bits = word32(desc + at + 8);
      const char* const* names = nullptr;
      static const char* const x86[] = {"IBT", "SHSTK"};
      static const char* const arm[] = {"BTI", "PAC", "GCS"};
      std::size_t n = 0;
      if (type == kX86Feature1And && (machine == EM_X86_64 || machine == EM_386))
        names = x86, n = 2;
      else if (type == kAarch64Feature1And && machine == EM_AARCH64)
        names = arm, n = 3;
      for (std::size_t b = 0; b < n; b++)
        if (bits & (1u << b))
          out.insert(names[b]);
    }
    at += 8 + (datasz + word - 1) / word * word;
  }
}

ElfPart read_part(Elf* e, std::string label) {
  ElfPart part;
  part.label = std::move(label);
  GElf_Ehdr eh;
  if (!gelf_getehdr(e, &eh))
    return part;
  const unsigned word = gelf_getclass(e) == ELFCLASS64 ? 8 : 4;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(e, scn));) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh))
      continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data)
      continue;
    if ((sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) && sh.sh_entsize) {
      for (std::size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
        GElf_Sym s;
        if (!gelf_getsym(data, static_cast<int>(i), &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
            s.st_shndx == SHN_UNDEF)
          continue;
        const char* name = elf_strptr(e, sh.sh_link, s.st_name);
        if (!name)
          continue;
        part.functions.emplace(name, FunctionSymbol{s.st_value, s.st_size});
        if (GELF_ST_BIND(s.st_info) == STB_GLOBAL)
          part.global_functions.insert(name);
      }
    } else if (sh.sh_type == SHT_NOTE) {
      GElf_Nhdr nh;
      std::size_t name_at, desc_at;
      for (std::size_t at = 0; (at = gelf_getnote(data, at, &nh, &name_at, &desc_at)) > 0;) {
        const char* buf = static_cast<const char*>(data->d_buf);
        if (nh.n_type == NT_GNU_PROPERTY_TYPE_0 && nh.n_namesz == 4 && std::memcmp(buf + name_at, "GNU", 4) == 0)
          add_features(buf + desc_at, nh.n_descsz, eh.e_machine, word, part.features);
      }
    }
  }
  return part;
}

} // namespace

std::vector<ElfPart> read_elf_parts(const std::filesystem::path& file, const std::string& label) {
  ElfHandle h(file);
  std::vector<ElfPart> out;
  switch (elf_kind(h.elf())) {
  case ELF_K_ELF:
    out.push_back(read_part(h.elf(), label));
    break;
  case ELF_K_AR:
    for (Elf* member; (member = elf_begin(h.fd(), ELF_C_READ, h.elf()));) {
      std::unique_ptr<Elf, int (*)(Elf*)> owned(member, elf_end);
      const Elf_Arhdr* ar = elf_getarhdr(member);
      if (ar && ar->ar_name && elf_kind(member) == ELF_K_ELF)
        out.push_back(read_part(member, fmt::format("{}({})", file.filename().string(), ar->ar_name)));
      elf_next(member);
    }
    break;
  default:
    h.fail("neither an ELF file nor an archive");
  }
  return out;
}

std::string read_elf_section(const std::filesystem::path& file, const std::string& section) {
  ElfHandle h(file);
  if (elf_kind(h.elf()) != ELF_K_ELF)
    h.fail("not an ELF file");
  std::size_t names;
  if (elf_getshdrstrndx(h.elf(), &names) != 0)
    h.fail(elf_errmsg(-1));
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(h.elf(), scn));) {
    GElf_Shdr sh;
    const char* name = gelf_getshdr(scn, &sh) ? elf_strptr(h.elf(), names, sh.sh_name) : nullptr;
    if (!name || section != name || sh.sh_type == SHT_NOBITS)
      continue;
    Elf_Data* data = elf_rawdata(scn, nullptr);
    return data && data->d_buf ? std::string(static_cast<const char*>(data->d_buf), data->d_size) : std::string();
  }
  return {};
}

} // namespace amx
