// Deployment gates: the newest gates with their verdicts, and one gate's progress, criteria table and runs.
import {h, fill, badge, seconds, percent, figure, age} from './dom.js';
import {getJson, uiSettings, traceUrl} from './api.js';

/** Renders the gate list; returns a refresh function for live updates. */
export function gateListView(main) {
  const body = h('div', {id: 'gate-list'}, h('p', {}, 'Loading…'));
  main.replaceChildren(h('h2', {}, 'Deployment gates'),
    h('p', {class: 'note'}, 'The newest gates first (GET /api/gates). Select a gate for its criteria and runs.'), body);
  return async () => {
    const {gates} = await getJson('/api/gates?limit=50');
    if (gates.length === 0) {
      body.replaceChildren(h('p', {}, 'No gates yet. Start one with POST /api/gates (docs/gates.md).'));
      return;
    }
    body.replaceChildren(h('table', {class: 'list', id: 'gates-table'},
      h('caption', {}, `${gates.length} most recent gates`),
      h('thead', {}, h('tr', {}, ['Gate', 'Verdict', 'Suite', 'Candidate', 'Baseline', 'Score', 'Runs', 'Started']
        .map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, gates.map(g => h('tr', {'data-gate': g.id},
        h('th', {scope: 'row'}, h('a', {href: `#/gates/${g.id}`}, g.id)),
        h('td', {}, badge(g.verdict || g.state)),
        h('td', {}, g.suite),
        h('td', {}, candidateText(g.candidate)),
        h('td', {}, baselineText(g.baseline)),
        h('td', {}, g.score == null ? '—' : `${g.score} / 100`),
        h('td', {}, `${g.progress.runsDone} / ${g.progress.runsPlanned}`),
        h('td', {}, age(g.createdAt)))))));
  };
}

function candidateText(c) {
  return c.endpoints && c.endpoints.length ? `${c.pool} (${c.endpoints.join(', ')})` : c.pool;
}

function baselineText(b) {
  if (!b || b.kind === 'none') return 'none (absolute criteria only)';
  return b.ref ? `${b.kind}: ${b.ref}` : b.kind;
}

/** Renders one gate; the refresh function returns true once the gate has finished (nothing more to poll). */
export function gateView(main, id) {
  main.replaceChildren(h('p', {}, 'Loading gate…'));
  return async () => {
    const [g, settings] = await Promise.all([getJson(`/api/gates/${encodeURIComponent(id)}`), uiSettings()]);
    render(main, g, settings);
    document.title = `gate ${g.id} ${g.verdict || g.state} · llm-canary`;
    return g.state === 'finished';
  };
}

function render(main, g, settings) {
  const p = g.progress;
  const d = g.details;
  fill(main,
    h('p', {}, h('a', {href: '#/gates'}, '← Gates')),
    h('div', {class: 'run-head'},
      h('h2', {id: 'gate-title'}, `Gate ${g.id} `, badge(g.verdict || g.state)),
      g.reason ? h('p', {class: 'reason', id: 'gate-reason'}, g.reason) : null,
      h('dl', {class: 'facts', id: 'gate-facts'},
        fact('State', g.state), fact('Suite', g.suite), fact('Candidate', candidateText(g.candidate)),
        fact('Baseline', baselineText(g.baseline)),
        fact('Score', g.score == null ? '—' : `${g.score} / 100 (share of criteria that passed)`),
        fact('May proceed', g.state === 'finished' ? (g.passed ? 'yes' : 'no') : '— (running)'),
        fact('Runs', d ? `${d.candidateRuns} candidate, ${d.baselineRuns} baseline` : `${p.runsDone} / ${p.runsPlanned}`),
        fact('Started', new Date(g.createdAt).toLocaleString()),
        fact('Finished', g.finishedAt ? new Date(g.finishedAt).toLocaleString() : '—'))),
    g.state === 'running' ? h('section', {id: 'gate-progress', 'aria-labelledby': 'gate-progress-title'},
      h('h3', {id: 'gate-progress-title'}, 'Progress'),
      h('label', {for: 'gate-progress-bar'}, `${p.runsDone} of ${p.runsPlanned} runs done `),
      h('progress', {id: 'gate-progress-bar', max: Math.max(1, p.runsPlanned), value: p.runsDone},
        `${p.runsDone} / ${p.runsPlanned}`)) : null,
    h('section', {id: 'criteria-section', 'aria-labelledby': 'criteria-title'},
      h('h3', {id: 'criteria-title'}, 'Criteria'),
      d ? criteriaTable(d.criteria) : h('p', {}, 'Decided when the gate finishes.')),
    h('section', {id: 'gate-runs', 'aria-labelledby': 'gate-runs-title'},
      h('h3', {id: 'gate-runs-title'}, 'Runs'),
      runsTable(g.runs || [], settings)));
}

function fact(k, v) {
  return [h('dt', {}, k), h('dd', {}, v)];
}

/** How a criterion's figures read: seconds for latencies, tokens/s for decode rates, percentages for rates. */
export function unitOf(name) {
  if (/ttft|e2e|latency/.test(name)) return v => seconds(v);
  if (/tokens_per_second/.test(name)) return v => (v == null ? '—' : `${figure(v, 1)} tok/s`);
  if (/rate$/.test(name)) return v => percent(v);
  return v => figure(v);
}

function side(f, fmt) {
  if (!f) return '—';
  const parts = [`n = ${f.samples}`];
  if (f.p50 != null) parts.push(`p50 ${fmt(f.p50)}`);
  if (f.p95 != null) parts.push(`p95 ${fmt(f.p95)}`);
  if (f.value != null) parts.push(`value ${fmt(f.value)}`);
  return parts.flatMap((part, i) => (i ? [h('br'), part] : [part]));
}

function criteriaTable(criteria) {
  return h('table', {class: 'list', id: 'criteria'},
    h('caption', {}, 'Each criterion with both sides\' figures; comparative ones with the one-sided Mann-Whitney U test'),
    h('thead', {}, h('tr', {}, ['criterion', 'kind', 'candidate', 'baseline', 'limit', 'test', 'p-value', 'tolerance',
      'verdict', 'reason'].map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, criteria.map(c => {
      const fmt = unitOf(c.name);
      return h('tr', {'data-criterion': c.name, class: c.outcome === 'fail' ? 'bad-row' : ''},
        h('th', {scope: 'row'}, c.name), h('td', {}, c.kind),
        h('td', {class: 'num'}, side(c.candidate, fmt)), h('td', {class: 'num'}, side(c.baseline, fmt)),
        h('td', {class: 'num'}, c.limit == null ? '—' : fmt(c.limit)),
        h('td', {}, c.test || '—'),
        h('td', {class: 'num'}, c.pValue == null ? '—' : pValue(c.pValue, c.alpha)),
        h('td', {class: 'num'}, c.tolerance == null ? '—' : percent(c.tolerance, 0)),
        h('td', {}, badge(c.outcome)), h('td', {class: 'reason'}, c.reason));
    })));
}

function pValue(p, alpha) {
  const text = p < 0.0001 ? p.toExponential(2) : figure(p, 4);
  return alpha == null ? text : `${text} (α ${alpha})`;
}

function runsTable(runs, settings) {
  if (runs.length === 0) return h('p', {}, 'Listed when the gate finishes.');
  return h('table', {class: 'list compact', id: 'gate-runs-table'},
    h('caption', {}, `${runs.length} runs in start order`),
    h('thead', {}, h('tr', {}, ['#', 'side', 'outcome', 'run', 'trace id'].map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, runs.map(r => {
      const link = traceUrl(settings.traceUrlTemplate, r.traceId);
      return h('tr', {},
        h('td', {}, r.seq), h('td', {}, r.side), h('td', {}, badge(String(r.outcome).toLowerCase())),
        h('td', {}, h('a', {href: `#/runs/${r.runId}`, class: 'run-link'}, r.runId)),
        h('td', {}, r.traceId ? (link ? h('a', {href: link, rel: 'noopener'}, r.traceId) : r.traceId) : '—'));
    })));
}
