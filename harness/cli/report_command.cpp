#include "cli/subcommands.hpp"

#include "report/html.hpp"
#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/markdown.hpp"
#include "store/database.hpp"
#include "store/queries.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>


namespace amx {

ReportCommand::ReportCommand(CLI::App& app) {
  m_cmd = app.add_subcommand("report", "a run as Markdown evidence, JSON, JUnit XML or a self-contained HTML page");
  m_cmd->add_option("run", m_run, "run id (default: the latest)");
  m_cmd->add_option("--db", m_db, "results database")->capture_default_str();
  m_cmd->add_option("--matrix", m_matrix, "matrix name: the default run is its latest (default: any matrix's latest)");
  m_cmd->add_option("--format", m_format, "markdown, json, junit or html")
      ->check(CLI::IsMember({"markdown", "json", "junit", "html"}))
      ->capture_default_str();
  m_cmd->add_option("-o,--output", m_output, "write to this file instead of stdout");
  m_cmd->add_option("--limit", m_limit, "markdown: the most characters (default: a GitHub comment's 65536)");
  m_cmd->add_option("--link-base", m_link_base,
                    "markdown: link reproducer scripts below this URL or path (the repository's root as the "
                    "report's reader reaches it)");
  m_cmd->add_option("--history", m_history,
                    "html: each cell's last N verdicts over the runs of its matrix, and the changes since the "
                    "previous run")
      ->check(CLI::Range(1, 1000));
}

std::optional<int> ReportCommand::dispatch() {
  if (!*m_cmd)
    return std::nullopt;
  if (m_history && m_format != "html")
    throw FatalError(fmt::format("--history is for --format html; {} reports have no history", m_format));
  if (!m_link_base.empty() && m_format != "markdown")
    throw FatalError(fmt::format("--link-base is for --format markdown; {} reports link no scripts", m_format));
  require_database(m_db);
  Database db(m_db, Access::read);
  Queries q(db);
  auto report = load_report(db, m_db, q.run(m_run, m_matrix), m_history);
  std::string text;
  if (m_format == "markdown")
    text = render_markdown(report, m_limit ? m_limit : kGithubCommentLimit, m_link_base);
  else if (m_format == "json")
    text = report_json_text(report);
  else if (m_format == "junit")
    text = render_junit(report);
  else
    text = render_html(report);
  if (m_output.empty()) {
    fmt::print("{}", text);
    return 0;
  }
  replace_file(m_output, text, "the report");
  fmt::print(stderr, "wrote {} ({} bytes, run {})\n", m_output, text.size(), report.run.id);
  return 0;
}

} // namespace amx
