#include "report/html.hpp"

#include "report/findings.hpp"
#include "report/json_report.hpp"
#include "report/junit.hpp"
#include "report/result_json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace amx {

namespace {

const char* const kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.filters { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ccc; z-index: 1; }
.filters label { margin-right: 1em; }
table.grid, table.conclusions { border-collapse: collapse; margin: .5em 0; }
table.grid th, table.grid td, table.conclusions th, table.conclusions td { border: 1px solid #ccc; padding: 2px 6px; font-size: 12px; }
table.grid th, table.conclusions th { background: #f4f4f4; font-weight: normal; }
td.cell, td.square { cursor: pointer; text-align: center; min-width: 3.5em; }
.f-pass { background: #b7e4b0; } .f-skip { background: #ddd; color: #666; } .f-abi-break { background: #f08080; }
.f-lost-property { background: #f7c06b; } .f-toolchain-defect { background: #c9a0dc; }
td.unexpected { font-weight: bold; outline: 3px dashed #000; outline-offset: -3px; }
td.cell.dim { opacity: .12; } td.cell.chosen { outline: 3px solid #1a4fd6; }
.strip { display: block; line-height: 0; margin-top: 2px; }
.strip span { display: inline-block; width: 6px; height: 6px; margin-right: 1px; }
.v-pass, .v-xpass { background: #5cb85c; } .v-xfail { background: #e0a030; } .v-fail { background: #d9534f; }
.v-skip { background: #aaa; } .v-flaky { background: #9b59b6; }
#details { position: fixed; right: 0; top: 0; bottom: 0; width: 45%; overflow: auto; background: #fcfcfc;
           border-left: 2px solid #888; padding: 1em; display: none; z-index: 2; }
#details pre { background: #f0f0f0; padding: .5em; white-space: pre-wrap; word-break: break-all; }
.legend span { padding: 0 .5em; margin-right: .3em; }
)css";

const char* const kScript = R"js(
const data = JSON.parse(document.getElementById('abimatrix-data').textContent);
const byKey = new Map(data.results.map(r => [r.key, r]));
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
const slug = s => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
// Worse findings first: what a square of the overview shows.
const severity = ['toolchain defect', 'ABI break', 'lost property', 'pass', 'skip'];

function groups() {
  const out = data.flags.map(f => ({ title: f.name, flag: f, cells: data.results.filter(r => r.flags.includes(f.name)) }))
                        .filter(g => g.cells.length);
  const off = data.results.filter(r => r.flags.length === 0);
  if (off.length) out.push({ title: 'every flag off', flag: null, cells: off });
  return out;
}

function strip(r) {
  const s = el('span', undefined, 'strip');
  for (const [run, verdict] of r.trail || []) { const b = el('span', undefined, 'v-' + verdict); b.title = `run ${run}: ${verdict}`; s.appendChild(b); }
  return s;
}

function overview() {
  const root = document.getElementById('overview'), targets = data.targets;
  const t = el('table', undefined, 'grid'), head = el('tr');
  head.appendChild(el('th', 'flag \\ target'));
  for (const target of targets) head.appendChild(el('th', target));
  t.appendChild(head);
  for (const g of groups().filter(g => g.flag)) {
    const tr = el('tr'); tr.appendChild(el('th', g.flag.name));
    for (const target of targets) {
      const cells = g.cells.filter(r => r.target === target);
      const verdict = data.conclusions.by_target.find(c => c.flag === g.flag.name && c.target === target);
      if (!cells.length) { tr.appendChild(el('td')); continue; }
      const counts = severity.map(f => [f, cells.filter(r => r.finding === f).length]).filter(([, n]) => n);
      const td = el('td', verdict ? verdict.rfc3716 : '', 'square f-' + slug(counts[0][0]));
      td.dataset.flag = g.flag.name; td.dataset.target = target;
      td.title = counts.map(([f, n]) => `${n} ${f}`).join(', ');
      td.addEventListener('click', () => { choose('filter-flag', g.flag.name); choose('filter-target', target);
                                           document.querySelector(`section[data-flag="${CSS.escape(g.flag.name)}"]`).scrollIntoView(); });
      tr.appendChild(td);
    }
    t.appendChild(tr);
  }
  root.appendChild(t);
}

function build() {
  const root = document.getElementById('grids'), anchored = new Set();
  for (const g of groups()) {
    const sec = el('section'); sec.dataset.flag = g.flag ? g.flag.name : '';
    sec.appendChild(el('h2', g.flag ? `${g.flag.name} (${g.flag.class}${g.flag.targets ? '; ' + g.flag.targets : ''})` : g.title));
    if (g.flag && g.flag.description) sec.appendChild(el('p', g.flag.description));
    const cols = [...new Set(g.cells.map(r => `C: ${r.c_setting} / Rust: ${r.rust_setting}`))];
    const rows = [...new Set(g.cells.map(r => `${r.target} · ${r.fixture} · ${r.c_compiler}/${r.rustc}`))];
    const t = el('table', undefined, 'grid'), head = el('tr');
    head.appendChild(el('th', 'target · fixture · compilers'));
    for (const c of cols) head.appendChild(el('th', c));
    t.appendChild(head);
    for (const row of rows) {
      const tr = el('tr'); tr.appendChild(el('th', row));
      for (const col of cols) {
        const r = g.cells.find(r => `${r.target} · ${r.fixture} · ${r.c_compiler}/${r.rustc}` === row &&
                                    `C: ${r.c_setting} / Rust: ${r.rust_setting}` === col);
        const td = el('td', r ? r.verdict : '', r ? `cell f-${slug(r.finding)}` : '');
        if (r) {
          // One element per cell carries its deep link, however many flags it sets.
          if (!anchored.has(r.key)) { td.id = 'cell-' + r.key; anchored.add(r.key); }
          if (r.verdict === 'fail' || r.verdict === 'xpass') td.classList.add('unexpected');
          td.dataset.key = r.key; td.dataset.target = r.target; td.dataset.verdict = r.verdict;
          td.dataset.compiler = r.c_compiler; td.dataset.finding = r.finding; td.title = `${r.finding}: ${r.reason}`;
          if (r.trail) td.appendChild(strip(r));
          td.addEventListener('click', () => { history.replaceState(null, '', '#cell-' + r.key); show(r.key, td); });
        }
        tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    sec.appendChild(t);
    root.appendChild(sec);
  }
  const options = (id, values) => { const s = document.getElementById(id);
    for (const v of [...new Set(values)].sort()) s.appendChild(el('option', v)).value = v; s.addEventListener('change', filter); };
  options('filter-flag', data.flags.map(f => f.name));
  options('filter-target', data.results.map(r => r.target));
  options('filter-compiler', data.results.map(r => r.c_compiler));
  options('filter-verdict', data.results.map(r => r.verdict));
  options('filter-finding', data.results.map(r => r.finding));
}

function choose(id, value) { document.getElementById(id).value = value; filter(); }

function filter() {
  const v = id => document.getElementById(id).value;
  const flag = v('filter-flag'), target = v('filter-target'), compiler = v('filter-compiler'), verdict = v('filter-verdict'),
        finding = v('filter-finding');
  for (const sec of document.querySelectorAll('#grids section'))
    sec.hidden = flag !== '' && sec.dataset.flag !== flag;
  let shown = 0;
  for (const td of document.querySelectorAll('td.cell')) {
    const hit = (target === '' || td.dataset.target === target) && (compiler === '' || td.dataset.compiler === compiler) &&
                (verdict === '' || td.dataset.verdict === verdict) && (finding === '' || td.dataset.finding === finding);
    td.classList.toggle('dim', !hit);
    if (hit && !td.closest('section').hidden) shown++;
  }
  document.getElementById('shown').textContent = `${shown} cells shown`;
}

function changes() {
  const d = data.since_previous, root = document.getElementById('changes');
  if (!d) return;
  root.appendChild(el('h2', `Changes since run ${d.from}`));
  // A spelling a compiler refuses now, once per flag, for the cells it skips.
  for (const s of d.spelling_changes)
    root.appendChild(el('p', 'Spelling change: ' + s.text + (s.cells.length ? ` (${s.cells.length} cells skip for it)` : '')));
  const kinds = [['regressions', 'regressed'], ['fixes', 'fixed'], ['changed', 'changed'], ['new', 'new'], ['gone', 'gone']];
  const said = r => r ? r.verdict + (r.stage ? ' at ' + r.stage : '') : '–';
  if (kinds.every(([k]) => !d[k].length)) root.appendChild(el('p', 'No cell changed its verdict or its failing checks.'));
  for (const [k, title] of kinds) {
    if (!d[k].length) continue;
    root.appendChild(el('h3', `${title} (${d[k].length})`));
    const ul = el('ul');
    for (const c of d[k]) {
      const li = el('li'), a = el('a', c.name);
      a.href = '#cell-' + c.key; li.appendChild(a);
      li.appendChild(document.createTextNode(`: ${said(c.before)} → ${said(c.after)}` +
        (c.now_failing.length ? `; now failing ${c.now_failing.join(', ')}` : '') +
        (c.now_holding.length ? `; now holding ${c.now_holding.join(', ')}` : '')));
      ul.appendChild(li);
    }
    root.appendChild(ul);
  }
  for (const t of d.tool_changes) root.appendChild(el('pre', t));
}

function show(key, td) {
  const r = byKey.get(key), d = document.getElementById('details');
  for (const c of document.querySelectorAll('td.chosen')) c.classList.remove('chosen');
  td.classList.add('chosen');
  d.replaceChildren();
  const close = el('button', 'close'); close.addEventListener('click', () => { d.style.display = 'none'; }); d.appendChild(close);
  d.appendChild(el('h2', r.name));
  const repro = el('pre', r.repro, 'repro'), copy = el('button', 'copy the repro command');
  copy.addEventListener('click', () => navigator.clipboard.writeText(r.repro));
  d.appendChild(repro); d.appendChild(copy);
  const facts = [['cell', r.key], ['finding', r.finding], ['verdict', r.verdict], ['stage', r.stage || ''], ['reason', r.reason],
                 ['expected', `${r.expected}: ${r.expect_reason}`], ['pairing', r.pairing],
                 ['C side', `${r.c_setting}: ${r.c_args.join(' ')}`], ['Rust side', `${r.rust_setting}: ${r.rust_args.join(' ')}`],
                 ['C compiler', `${r.c_compiler}: ${data.versions[r.c_tool] || ''}`], ['rustc', `${r.rustc}: ${data.versions[r.rustc] || ''}`]];
  if (r.rust_mix) facts.push(['Rust-vs-Rust', r.rust_mix]);
  if (r.trail) facts.push(['history', r.trail.map(([run, v]) => `run ${run}: ${v}`).join(', ') +
                                      (r.changed_in ? `; this verdict since run ${r.changed_in}` : '; never changed')]);
  const dl = el('dl');
  for (const [k, v] of facts) { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', v, 'fact-' + k.replace(/\W/g, ''))); }
  d.appendChild(dl);
  d.appendChild(el('h3', `checks: ${r.failing.length} failed, ${r.held} held`));
  if (r.failing.length) { const ul = el('ul', undefined, 'failing'); for (const c of r.failing) ul.appendChild(el('li', c)); d.appendChild(ul); }
  for (const [stage, step, status, ms, command, output] of r.steps) {
    d.appendChild(el('h3', `[${stage} ${step}] ${status}, ${ms} ms`));
    if (command) d.appendChild(el('pre', '$ ' + command, 'command'));
    if (output) d.appendChild(el('pre', output, 'output'));
  }
  d.style.display = 'block';
}

function follow() {
  const m = location.hash.match(/^#cell-([0-9a-f]+)$/), td = m && document.getElementById('cell-' + m[1]);
  if (td) { td.scrollIntoView({ block: 'center' }); show(m[1], td); }
}

overview();
build();
changes();
filter();
follow();
window.addEventListener('hashchange', follow);
)js";

// JSON inside a <script> element: no "<" at all, so nothing can end the
// element early. JSON allows \u003c wherever "<" can appear (in strings).
std::string script_json(const nlohmann::json& j) {
  auto text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

constexpr std::size_t kOutputTail = 1000;

// "ABI break" -> "abi-break": a class name, made as the page's script makes it.
std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool word = std::isalnum(static_cast<unsigned char>(c));
    if (word)
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (out.empty() || out.back() != '-')
      out += '-';
  }
  return out;
}

bool step_failed(const StepRow& s) { return s.timed_out || s.signal || (s.exit_code && *s.exit_code != 0); }

// What the page needs of a cell, and no more: the page stays small enough
// to mail (the full record is `report --format json` and `show`). Steps
// keep their commands where the program ran or a step failed, and a failed
// step the end of its output.
nlohmann::json cell_json(const RunReport& r, const ShownResult& s) {
  using nlohmann::json;
  const auto& row = s.result;
  json flags = json::array();
  for (const auto& f : r.run.info.flags)
    if (row.c.count(f.name) || row.rust.count(f.name))
      flags.push_back(f.name);
  json failing = json::array();
  std::size_t held = 0;
  for (const auto& c : s.checks) {
    if (c.held) {
      held++;
      continue;
    }
    auto name = c.test.empty() || c.test == c.property ? c.property : c.test + ": " + c.property;
    auto outcome = check_outcome(c);
    failing.push_back(fmt::format("{}: {}{}", name, outcome,
                                  c.detail.empty() || c.detail == outcome ? "" : " (" + c.detail + ")"));
  }
  json steps = json::array();
  for (const auto& st : s.steps) {
    bool failed = step_failed(st);
    auto status = st.timed_out ? std::string("timed out")
                  : st.signal  ? fmt::format("signal {}", *st.signal)
                               : fmt::format("exit {}", st.exit_code.value_or(0));
    auto tail = st.output.size() > kOutputTail ? "…" + st.output.substr(st.output.size() - kOutputTail) : st.output;
    // An array, not an object: steps are most of the page.
    steps.push_back({to_string(st.stage), st.step, status, std::llround(st.duration_ms),
                     failed || st.stage == Stage::run ? st.command : "", failed ? tail : ""});
  }
  json j = {{"key", row.key},
            {"name", row.name},
            {"target", row.target},
            {"fixture", row.fixture},
            {"c_compiler", row.c_compiler},
            {"rustc", row.rustc},
            {"c_tool", c_compiler_binary(row.c_compiler, row.target)},
            {"c_setting", to_string(row.c)},
            {"rust_setting", to_string(row.rust)},
            {"c_args", s.c_args},
            {"rust_args", s.rust_args},
            {"flags", flags},
            {"pairing", to_string(row.pairing)},
            {"verdict", to_string(row.verdict)},
            {"finding", to_string(finding_of(s))},
            {"expected", to_string(row.expected)},
            {"expect_reason", s.expect_reason},
            {"stage", row.stage ? json(to_string(*row.stage)) : json()},
            {"reason", row.reason},
            {"repro", repro_command(r, row.key)},
            {"failing", failing},
            {"held", held},
            {"rust_mix", !s.rust_mix          ? json()
                         : s.rust_mix->refused ? json("refused: " + s.rust_mix->message)
                                               : json("accepted")},
            {"steps", steps}};
  if (auto t = r.trails.find(row.key); t != r.trails.end()) {
    j["trail"] = json::array();
    for (const auto& [run, v] : t->second.last)
      j["trail"].push_back({run, to_string(v)});
    j["changed_in"] = t->second.changed_in ? json(*t->second.changed_in) : json();
  }
  return j;
}

nlohmann::json page_data(const RunReport& r, const Conclusions& all) {
  using nlohmann::json;
  json j;
  j["flags"] = json::array();
  for (const auto& f : r.run.info.flags)
    j["flags"].push_back({{"name", f.name}, {"class", f.cls}, {"description", f.description}, {"targets", f.targets}});
  j["targets"] = all.targets;
  j["versions"] = json::object();
  for (const auto& t : r.run.info.tools)
    j["versions"][t.name] = t.version;
  j["conclusions"] = conclusions_json(all);
  j["results"] = json::array();
  for (const auto& s : r.results)
    j["results"].push_back(cell_json(r, s));
  j["since_previous"] = r.since_previous ? to_json(*r.since_previous) : json();
  return j;
}

// The conclusion table, as the Markdown report opens with it.
std::string conclusion_table(const RunReport& r, const Conclusions& all) {
  std::string t = "<table class=\"conclusions\"><tr><th>flag</th><th>class</th><th>targets</th>"
                  "<th>C and Rust differing in it alone</th>";
  for (const auto& rc : all.rustcs)
    t += fmt::format("<th>{} ({}) mixing Rust crates</th><th>{} spelling</th>", xml_text(rc),
                     xml_text(tool_version(r, "rustc", rc)), xml_text(rc));
  t += "<th>RFC 3716</th></tr>\n";
  for (const auto& row : all.rows) {
    auto finding = row.verdict == Rfc3716::toolchain_defect        ? Finding::toolchain_defect
                   : row.effect == MismatchEffect::breaks          ? Finding::abi_break
                   : row.effect == MismatchEffect::loses_property ? Finding::lost_property
                                                                   : Finding::pass;
    t += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td>", xml_text(row.flag->name),
                     xml_text(row.flag->cls), xml_text(join(targets_of(all, row), ", ")), xml_text(effect_text(row)));
    for (std::size_t i = 0; i < row.guards.size(); i++)
      t += "<td>" + xml_text(guard_text(row.guards[i])) + "</td><td title=\"" + xml_text(row.standing[i].message) +
           "\">" + xml_text(standing_text(row.standing[i])) + "</td>";
    std::string why = xml_text(to_string(row.verdict));
    if (row.defect)
      why += fmt::format(": <a href=\"#cell-{}\">{} {}</a>{}", row.defect->result.key, xml_text(row.defect->result.target),
                         xml_text(row.defect->result.fixture),
                         row.reproducers.empty() ? "" : ", " + xml_text(join(row.reproducers, ", ")));
    t += fmt::format("<td class=\"f-{}\"><b>{}</b></td></tr>\n", slug(to_string(finding)), why);
  }
  t += "</table>";
  if (!all.shared_defects.empty())
    t += "<p>Matched builds with several flags that fail, a toolchain defect no one flag's row claims:</p><ul>";
  for (const auto& g : all.shared_defects) {
    const auto& first = g.cells.front()->result;
    t += fmt::format("<li class=\"f-toolchain-defect\">{} cell{}, e.g. <a href=\"#cell-{}\">{}</a>: {}{}{}</li>",
                     g.cells.size(), g.cells.size() == 1 ? "" : "s", first.key, xml_text(first.name), xml_text(clipped(first.reason, 300)),
                     g.expect_reason.empty() ? "" : " (expected: " + xml_text(g.expect_reason) + ")",
                     g.reproducers.empty() ? "" : "; " + xml_text(join(g.reproducers, ", ")));
  }
  return t + (all.shared_defects.empty() ? "" : "</ul>");
}

} // namespace

std::string render_html(const RunReport& r) {
  const auto& info = r.run.info;
  const auto all = conclude_run(r);
  std::string tools;
  for (const auto& t : info.tools)
    tools += fmt::format("<li>{}: {}</li>", xml_text(t.name), xml_text(t.version));
  std::string counts;
  for (Verdict v : kAllVerdicts)
    if (auto it = r.verdicts.find(v); it != r.verdicts.end())
      counts += fmt::format("<span class=\"v-{0}\">{1} {0}</span> ", to_string(v), it->second);
  std::string findings;
  for (auto f : {Finding::abi_break, Finding::lost_property, Finding::toolchain_defect, Finding::pass, Finding::skip})
    findings += fmt::format("<span class=\"f-{}\">{}</span> ", slug(to_string(f)), xml_text(to_string(f)));
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>abimatrix: {0} run {1}</title>
<style>{2}</style></head>
<body>
<h1>abimatrix: {0} run {1}</h1>
<p>{3}, {4} to {5}. <span class="legend">{6}</span></p>
<details><summary>Legend and toolchains</summary>
<p class="legend">Colours: {7}; a dashed outline is an unexpected verdict (fail, xpass); the strip under a cell is its last
verdicts, oldest first.</p>
<p>Pairings: <b>matched</b>, both sides set the flags alike (a failure is a toolchain defect); <b>c-only</b> and
<b>rust-only</b>, one side sets them and the other builds without; <b>one-off</b>, the sides differ in exactly one flag;
<b>cross</b>, a C setting against a Rust setting that differs in several. Findings: <b>ABI break</b>, a mismatch fails
to build, link or run; <b>lost property</b>, it runs and a check of what the flag promises fails; <b>toolchain
defect</b>, the sides fail matched or a known defect (reproducer in scripts/repro/) explains it.</p>
<ul>{8}</ul></details>
<h2>What the run concludes, flag by flag</h2>
{9}
<h2>Flags by target</h2>
<div id="overview"></div>
<div id="changes"></div>
<div class="filters">
<label>flag <select id="filter-flag"><option value="">all</option></select></label>
<label>target <select id="filter-target"><option value="">all</option></select></label>
<label>C compiler <select id="filter-compiler"><option value="">all</option></select></label>
<label>verdict <select id="filter-verdict"><option value="">all</option></select></label>
<label>finding <select id="filter-finding"><option value="">all</option></select></label>
<span id="shown"></span>
</div>
<div id="grids"></div>
<aside id="details"></aside>
<script type="application/json" id="abimatrix-data">{10}</script>
<script>{11}</script>
</body></html>
)",
                     xml_text(info.matrix_name), r.run.id, kStyle, xml_text(r.run.status), xml_text(r.run.started_at),
                     xml_text(r.run.finished_at), counts, findings, tools, conclusion_table(r, all),
                     script_json(page_data(r, all)), kScript);
}

} // namespace amx
