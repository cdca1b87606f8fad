#include "report/html.hpp"

#include "report/json_report.hpp"
#include "report/junit.hpp"

#include <fmt/format.h>

namespace amx {

namespace {

const char* const kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.filters { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ccc; }
.filters label { margin-right: 1em; }
table.grid { border-collapse: collapse; margin: .5em 0; }
table.grid th, table.grid td { border: 1px solid #ccc; padding: 2px 6px; font-size: 12px; }
table.grid th { background: #f4f4f4; font-weight: normal; }
td.cell { cursor: pointer; text-align: center; min-width: 3.5em; }
td.v-pass { background: #b7e4b0; } td.v-xfail { background: #f3d58a; } td.v-fail { background: #f08080; font-weight: bold; }
td.v-xpass { background: #e79be0; font-weight: bold; } td.v-skip { background: #ddd; color: #666; }
td.cell.dim { opacity: .12; } td.cell.chosen { outline: 3px solid #1a4fd6; }
#details { position: fixed; right: 0; top: 0; bottom: 0; width: 45%; overflow: auto; background: #fcfcfc;
           border-left: 2px solid #888; padding: 1em; display: none; }
#details pre { background: #f0f0f0; padding: .5em; white-space: pre-wrap; word-break: break-all; }
.legend span { padding: 0 .5em; margin-right: .3em; }
)css";

const char* const kScript = R"js(
const data = JSON.parse(document.getElementById('abimatrix-data').textContent);
const byKey = new Map(data.results.map(r => [r.key, r]));
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function flagsOf(r) { return new Set([...Object.keys(r.c_flags), ...Object.keys(r.rust_flags)]); }

function groups() {
  const out = data.flags.map(f => ({ title: f.name, flag: f, cells: data.results.filter(r => flagsOf(r).has(f.name)) }))
                        .filter(g => g.cells.length);
  const off = data.results.filter(r => flagsOf(r).size === 0);
  if (off.length) out.push({ title: 'every flag off', flag: null, cells: off });
  return out;
}

function build() {
  const root = document.getElementById('grids');
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
        const td = el('td', r ? r.verdict : '', r ? `cell v-${r.verdict}` : '');
        if (r) {
          td.dataset.key = r.key; td.dataset.target = r.target; td.dataset.verdict = r.verdict;
          td.dataset.compiler = r.c_compiler; td.title = r.reason;
          td.addEventListener('click', () => show(r.key, td));
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
}

function filter() {
  const v = id => document.getElementById(id).value;
  const flag = v('filter-flag'), target = v('filter-target'), compiler = v('filter-compiler'), verdict = v('filter-verdict');
  for (const sec of document.querySelectorAll('#grids section'))
    sec.hidden = flag !== '' && sec.dataset.flag !== flag;
  let shown = 0;
  for (const td of document.querySelectorAll('td.cell')) {
    const hit = (target === '' || td.dataset.target === target) && (compiler === '' || td.dataset.compiler === compiler) &&
                (verdict === '' || td.dataset.verdict === verdict);
    td.classList.toggle('dim', !hit);
    if (hit && !td.closest('section').hidden) shown++;
  }
  document.getElementById('shown').textContent = `${shown} cells shown`;
}

function show(key, td) {
  const r = byKey.get(key), d = document.getElementById('details');
  for (const c of document.querySelectorAll('td.chosen')) c.classList.remove('chosen');
  td.classList.add('chosen');
  d.replaceChildren();
  const close = el('button', 'close'); close.addEventListener('click', () => { d.style.display = 'none'; }); d.appendChild(close);
  d.appendChild(el('h2', r.name));
  const facts = [['cell', r.key], ['verdict', r.verdict], ['stage', r.stage || ''], ['reason', r.reason],
                 ['expected', `${r.expected}: ${r.expect_reason}`], ['pairing', r.pairing],
                 ['C side', r.c_setting], ['Rust side', r.rust_setting]];
  if (r.rust_mix) facts.push(['Rust-vs-Rust', r.rust_mix.refused ? `refused: ${r.rust_mix.message}` : 'accepted']);
  const dl = el('dl');
  for (const [k, v] of facts) { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', v, 'fact-' + k.replace(/\W/g, ''))); }
  d.appendChild(dl);
  if (r.checks.length) {
    d.appendChild(el('h3', 'checks'));
    const ul = el('ul');
    for (const c of r.checks) {
      const about = [c.c_type ? `${c.c_type}/${c.rust_type}` : '', c.direction, c.flag].filter(Boolean).join(', ');
      const name = c.test && c.test !== c.property ? `${c.test}: ${c.property}` : c.property;
      ul.appendChild(el('li', `${c.held ? 'held' : c.outcome.toUpperCase()} ${name}${about ? ` (${about})` : ''}` +
                              `${!c.held && (c.kind === 'value' || c.kind === 'property') ? `: ${c.detail}` : ''}`));
    }
    d.appendChild(ul);
  }
  for (const s of r.steps) {
    const status = s.timed_out ? 'timed out' : s.signal !== null ? `signal ${s.signal}` : `exit ${s.exit_code}`;
    d.appendChild(el('h3', `[${s.stage} ${s.step}] ${status}, ${Math.round(s.duration_ms)} ms`));
    d.appendChild(el('pre', '$ ' + s.command, 'command'));
    if (s.output) d.appendChild(el('pre', s.output, 'output'));
  }
  d.style.display = 'block';
}

build();
filter();
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

} // namespace

std::string render_html(const RunReport& r) {
  const auto& info = r.run.info;
  std::string tools;
  for (const auto& t : info.tools)
    tools += fmt::format("<li>{}: {}</li>", xml_text(t.name), xml_text(t.version));
  std::string counts;
  for (Verdict v : kAllVerdicts)
    if (auto it = r.verdicts.find(v); it != r.verdicts.end())
      counts += fmt::format("<span class=\"v-{0}\">{1} {0}</span> ", to_string(v), it->second);
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>abimatrix: {0} run {1}</title>
<style>{2}</style></head>
<body>
<h1>abimatrix: {0} run {1}</h1>
<p>{3}, {4} to {5}. <span class="legend">{6}</span></p>
<details><summary>Toolchains</summary><ul>{7}</ul></details>
<div class="filters">
<label>flag <select id="filter-flag"><option value="">all</option></select></label>
<label>target <select id="filter-target"><option value="">all</option></select></label>
<label>C compiler <select id="filter-compiler"><option value="">all</option></select></label>
<label>verdict <select id="filter-verdict"><option value="">all</option></select></label>
<span id="shown"></span>
</div>
<div id="grids"></div>
<aside id="details"></aside>
<script type="application/json" id="abimatrix-data">{8}</script>
<script>{9}</script>
</body></html>
)",
                     xml_text(info.matrix_name), r.run.id, kStyle, xml_text(r.run.status), xml_text(r.run.started_at),
                     xml_text(r.run.finished_at), counts, tools, script_json(report_json(r)), kScript);
}

} // namespace amx
