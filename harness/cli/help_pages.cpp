#include "cli/help_pages.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace amx {

namespace {

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

// Every spelling of an option (-j --jobs), positionals left out.
std::vector<std::string> spellings(const CLI::Option* o) {
  std::vector<std::string> out;
  for (const auto& s : o->get_snames())
    out.push_back("-" + s);
  for (const auto& l : o->get_lnames())
    out.push_back("--" + l);
  return out;
}

// Text safe in roff: backslashes escaped, no line starting as a request.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '\\' ? std::string("\\e") : std::string(1, c);
  if (!out.empty() && (out[0] == '.' || out[0] == '\''))
    out = "\\&" + out;
  return out;
}

std::string roff_option(const std::string& spelling) { return replace_all(spelling, "-", "\\-"); }

} // namespace

std::string completion_script(const CLI::App& app, const std::string& shell) {
  std::string cases;
  std::vector<std::string> top = {"--help", "--version"};
  for (const auto* sub : subcommands(app)) {
    top.push_back(sub->get_name());
    std::vector<std::string> words = {"--help"};
    for (const auto* o : sub->get_options())
      for (auto& s : spellings(o))
        if (s != "-h" && s != "--help")
          words.push_back(std::move(s));
    cases += fmt::format("    {}) words=\"{}\" ;;\n", sub->get_name(), join(words, " "));
  }
  std::string script = fmt::format(R"(# {0} completion for abimatrix: `abimatrix completions {0}`
_abimatrix() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} sub="" words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${{COMP_WORDS[i]}} in -*) ;; *) sub=${{COMP_WORDS[i]}}; break ;; esac
  done
  case $sub in
    "") words="{1}" ;;
{2}  esac
  if [[ -z $sub || $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
)",
                                   shell, join(top, " "), cases);
  if (shell == "zsh")
    script += "autoload -U +X bashcompinit && bashcompinit\n";
  return script + "complete -o filenames -F _abimatrix abimatrix\n";
}

std::string man_page(const CLI::App& app, const std::string& version) {
  std::string out = fmt::format(".TH ABIMATRIX 1 \"\" \"abimatrix {}\" \"User Commands\"\n", roff(version));
  out += ".SH NAME\nabimatrix \\- " + roff(app.get_description().substr(app.get_description().find(": ") + 2)) +
         "\n.SH SYNOPSIS\n.B abimatrix\n.I command\n.RI [ options ]\n.br\n.B abimatrix\n.B \\-\\-version\n"
         ".SH COMMANDS\n";
  for (const auto* sub : subcommands(app)) {
    std::string synopsis;
    for (const auto* o : sub->get_options())
      if (o->get_positional())
        synopsis += fmt::format(" \\fI{}\\fR", roff(o->get_name()));
    out += fmt::format(".SS \"abimatrix {}{}\"\n{}\n", sub->get_name(), synopsis, roff(sub->get_description()));
    for (const auto* o : sub->get_options()) {
      auto names = spellings(o);
      if (names.empty() || names.back() == "--help")
        continue;
      std::vector<std::string> shown;
      for (const auto& n : names)
        shown.push_back("\\fB" + roff_option(n) + "\\fR");
      // As --help shows it: a flag has no type name.
      const bool value = o->get_type_size() != 0 && !o->get_type_name().empty();
      out += fmt::format(".TP\n{}{}\n{}\n", join(shown, ", "), value ? " \\fI" + roff(o->get_type_name()) + "\\fR" : "",
                         roff(o->get_description()));
    }
  }
  out += ".SH EXIT STATUS\n.TP\n0\nevery cell as expected (run); nothing regressed (regressions)\n"
         ".TP\n1\nunexpected results (fail, xpass), or --max-fail reached (run); something regressed (regressions)\n"
         ".TP\n2\na usage or configuration error: a matrix that does not load, a missing tool, an unusable "
         "database\n.TP\n3\na compiler no longer accepts a flag spelling the previous run of the matrix used "
         "(regressions)\n.TP\n4\na --filter or --filter-out that selects no cell\n.TP\n130\ninterrupted (Ctrl-C, "
         "SIGTERM); finished results are kept\n"
         ".SH ENVIRONMENT\n.TP\n.B ABIMATRIX_CACHE\nthe step cache and probe answers (default: "
         "$XDG_CACHE_HOME/abimatrix)\n.TP\n.B NO_COLOR\nno colour with \\-\\-color auto\n"
         ".SH SEE ALSO\nREADME.md and docs/queries.md of the abimatrix source\n";
  return out;
}

} // namespace amx
