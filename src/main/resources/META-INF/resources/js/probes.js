// Load probes: the list with states and verdicts, and one probe's live progress or, once done, its figures,
// verdict comparisons, stairs knee and Gatling report link.
import {h, fill, badge, seconds, figure, age} from './dom.js';
import {getJson} from './api.js';

/** Renders the probe list; returns a refresh function for live updates. */
export function probeListView(main) {
  const body = h('div', {id: 'probe-list'}, h('p', {}, 'Loading…'));
  main.replaceChildren(h('h2', {}, 'Load probes'),
    h('p', {class: 'note'}, 'Running probes first, then the newest finished ones (GET /api/load-probes).'), body);
  return async () => {
    const {probes} = await getJson('/api/load-probes?limit=50');
    if (probes.length === 0) {
      body.replaceChildren(h('p', {}, 'No load probes yet. Start one with POST /api/load-probes (docs/load-probes.md).'));
      return;
    }
    body.replaceChildren(h('table', {class: 'list', id: 'probes-table'},
      h('caption', {}, `${probes.length} load probes`),
      h('thead', {}, h('tr', {}, ['Probe', 'State', 'Verdict', 'Scenario', 'Pool', 'Requests / errors', 'Started',
        'Reason'].map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, probes.map(p => h('tr', {'data-probe': p.id},
        h('th', {scope: 'row'}, h('a', {href: `#/probes/${p.id}`}, p.id.slice(0, 8))),
        h('td', {}, badge(p.state)), h('td', {}, p.verdict ? badge(p.verdict) : '—'),
        h('td', {}, p.scenario), h('td', {}, p.pool),
        h('td', {}, p.progress ? `${p.progress.requests} / ${p.progress.errors}` : '—'),
        h('td', {}, age(p.startedAt)), h('td', {class: 'reason'}, p.reason || ''))))));
  };
}

/** Renders one probe; the refresh function returns true once it is no longer running (nothing more to poll). */
export function probeView(main, id) {
  main.replaceChildren(h('p', {}, 'Loading load probe…'));
  return async () => {
    const p = await getJson(`/api/load-probes/${encodeURIComponent(id)}`);
    render(main, p);
    document.title = `load probe ${p.scenario} ${p.verdict || p.state} · llm-canary`;
    return p.state !== 'running';
  };
}

function render(main, p) {
  fill(main,
    h('p', {}, h('a', {href: '#/probes'}, '← Load probes')),
    h('div', {class: 'run-head'},
      h('h2', {id: 'probe-title'}, `Load probe of ${p.scenario} `, badge(p.verdict || p.state)),
      p.reason ? h('p', {class: 'reason', id: 'probe-reason'}, p.reason) : null,
      h('dl', {class: 'facts'},
        fact('State', p.state), fact('Scenario / pool', `${p.scenario} / ${p.pool}`), fact('Trigger', p.trigger),
        fact('Started', new Date(p.startedAt).toLocaleString()),
        fact('Ended', p.endedAt ? new Date(p.endedAt).toLocaleString() : '—'),
        fact('Baseline of its scenario', p.baseline ? 'yes' : 'no'),
        fact('Probe id', p.id),
        fact('Gatling report', p.report ? h('a', {href: p.report, id: 'report-link'}, 'open the HTML report')
          : 'none (yet)'))),
    p.state === 'running' ? progress(p.progress) : null,
    p.summary ? results(p.summary) : null,
    p.verdictDetail ? verdict(p.verdictDetail) : null,
    p.summary && p.summary.steps && p.summary.steps.length ? steps(p.summary.steps, p.verdictDetail) : null);
}

function fact(k, v) {
  return [h('dt', {}, k), h('dd', {}, v)];
}

function section(title, id, ...content) {
  return h('section', {id, 'aria-labelledby': `${id}-title`}, h('h3', {id: `${id}-title`}, title), ...content);
}

function progress(pr) {
  if (!pr) return section('Progress', 'probe-progress', h('p', {}, 'Starting…'));
  const rows = [['elapsed / planned', `${figure(pr.elapsedSeconds, 1)} s / ${figure(pr.totalSeconds, 1)} s`],
    ['current rate', `${figure(pr.currentRate, 1)} streams/s`], ['requests', pr.requests], ['errors', pr.errors]];
  return section('Progress', 'probe-progress',
    h('label', {for: 'probe-progress-bar'}, `${figure(pr.elapsedSeconds, 1)} of ${figure(pr.totalSeconds, 1)} s `),
    h('progress', {id: 'probe-progress-bar', max: Math.max(1, pr.totalSeconds), value: Math.min(pr.elapsedSeconds,
      pr.totalSeconds)}),
    h('table', {class: 'list compact', id: 'probe-progress-table'},
      h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', {scope: 'row'}, k), h('td', {}, v))))));
}

/** The first (only) request kind of a runner summary. */
function kind(summary) {
  const kinds = Object.values(summary.kinds || {});
  return kinds.length ? kinds[0] : {};
}

function results(summary) {
  const k = kind(summary);
  const t = k.ttft || {};
  const e = k.e2e || {};
  const rows = [
    ['achieved / target rate', `${figure(k.achievedRate, 2)} / ${summary.targetRate == null ? 'per step (see steps)' : figure(summary.targetRate, 2)} streams/s over ${figure(summary.plannedSeconds, 1)} s planned`],
    ['streams / errors', `${k.count ?? '—'} / ${k.errorCount ?? '—'} (${figure(k.errorPercent, 2)} %)`],
    ['TTFT p50 / p95 / p99 / max', [t.p50, t.p95, t.p99, t.max].map(seconds).join(' / ')],
    ['e2e p50 / p95 / p99', [e.p50, e.p95, e.p99].map(seconds).join(' / ')],
    ['output tokens/s (all streams)', figure(k.outputTokensPerSecond, 1)],
    ['tokens/s per stream (mean)', figure(k.streamTokensPerSecondMean, 1)],
    ['elapsed', `${figure(summary.elapsedSeconds, 2)} s`]];
  if (summary.aborted) rows.push(['stopped early', summary.aborted]);
  return section('Results', 'probe-results', h('table', {class: 'list compact', id: 'probe-figures'},
    h('tbody', {}, rows.map(([n, v]) => h('tr', {}, h('th', {scope: 'row'}, n), h('td', {}, v))))));
}

function unit(name) {
  if (name.endsWith('_seconds')) return v => seconds(v);
  if (name.endsWith('_percent')) return v => `${figure(v, 2)} %`;
  if (name.includes('rate') || name.includes('per_second')) return v => `${figure(v, 2)} /s`;
  return v => figure(v);
}

function verdict(v) {
  const outcome = String(v.outcome).toLowerCase();
  const comparisons = v.comparisons || [];
  return section('Verdict', 'probe-verdict',
    h('p', {}, badge(outcome), ' ', v.reason || ''),
    v.knee != null ? h('p', {id: 'probe-knee'}, `Knee: ${figure(v.knee, 2)} streams/s (the highest stairs step that held `
      + 'every assertion)', v.baselineKnee != null ? `; baseline's knee ${figure(v.baselineKnee, 2)} streams/s` : '')
      : null,
    comparisons.length === 0 ? h('p', {}, 'No comparisons.') : h('table', {class: 'list', id: 'probe-comparisons'},
      h('caption', {}, 'Each check: this run\'s value against the SLO limit or the baseline, with the tolerance applied'),
      h('thead', {}, h('tr', {}, ['check', 'against', 'this run', 'reference', 'tolerance', 'bound', 'result']
        .map(t => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, comparisons.map(c => {
        const fmt = unit(c.name);
        return h('tr', {'data-comparison': `${c.name}/${c.against}`},
          h('th', {scope: 'row'}, c.name), h('td', {}, c.against), h('td', {class: 'num'}, fmt(c.value)),
          h('td', {class: 'num'}, fmt(c.reference)),
          h('td', {class: 'num'}, c.tolerance == null ? '—' : `${figure(c.tolerance, 1)} %`),
          h('td', {class: 'num'}, fmt(c.limit)), h('td', {}, badge(c.passed ? 'pass' : 'fail')));
      }))));
}

function steps(list, v) {
  return section('Stairs steps', 'probe-steps', h('table', {class: 'list compact', id: 'probe-steps-table'},
    h('caption', {}, 'One row per arrival-rate step' + (v && v.knee != null ? '; the knee is marked' : '')),
    h('thead', {}, h('tr', {}, ['target rate', 'streams', 'errors', 'TTFT p95', 'TTFT p99', 'e2e p95', 'tokens/s per stream']
      .map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, list.map(s => h('tr', {class: v && v.knee === s.rate ? 'knee' : ''},
      h('th', {scope: 'row'}, `${figure(s.rate, 2)} /s${v && v.knee === s.rate ? ' (knee)' : ''}`),
      h('td', {}, s.count), h('td', {}, `${figure(s.errorPercent, 2)} %`),
      h('td', {}, seconds(s.ttft?.p95)), h('td', {}, seconds(s.ttft?.p99)), h('td', {}, seconds(s.e2e?.p95)),
      h('td', {}, figure(s.streamTokensPerSecondMean, 1)))))));
}
