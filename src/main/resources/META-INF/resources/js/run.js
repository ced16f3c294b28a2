// One run explained: figures, token timeline, gap distribution, violations, guardrails, trace link and evidence.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import {h, fill, badge, seconds, millis, number, percent, figure} from './dom.js';
import {getJson, uiSettings, traceUrl} from './api.js';
import {timelineSvg, milestoneTable, gaps, distribution, identityText} from './timeline.js';

export async function runView(main, runId) {
  main.replaceChildren(h('p', {}, 'Loading run…'));
  const [run, settings, fleet] = await Promise.all([getJson(`/api/runs/${encodeURIComponent(runId)}`),
    uiSettings(), getJson('/api/fleet').catch(() => ({classes: []}))]);
  const cls = fleet.classes.find(c => c.name === run.sloClass);
  const stallMs = cls ? cls.stallSeconds * 1000 : null;
  fill(main,
    h('p', {}, h('a', {href: '#/'}, '← Fleet')),
    h('div', {class: 'run-top'}, header(run, settings), figures(run)),
    section('Token timeline', 'timeline', timeline(run, stallMs, cls)),
    section('Gap between token chunks', 'gaps', gapSection(run, stallMs)),
    section('Stream violations', 'violations', violations(run)),
    section('SLO checks', 'slo-checks', sloChecks(run)),
    section('Guardrails', 'guardrails', guardrails(run)),
    run.evidence ? section('Server evidence', 'evidence', evidence(run.evidence)) : null,
    run.completion != null ? section('Completion (captured, PII-masked)', 'completion',
      h('pre', {class: 'completion'}, run.completion)) : null);
  drawGapChart(run, stallMs);
  document.title = `${run.canary} ${run.outcome} · llm-canary`;
}

function section(title, id, ...content) {
  return h('section', {id, 'aria-labelledby': `${id}-title`}, h('h3', {id: `${id}-title`}, title), ...content);
}

function header(run, settings) {
  const link = traceUrl(settings.traceUrlTemplate, run.traceId);
  return h('div', {class: 'run-head'},
    h('h2', {}, `Run of ${run.canary} `, badge(run.outcome.toLowerCase())),
    run.reason ? h('p', {class: 'reason', id: 'run-reason'}, run.reason) : null,
    h('dl', {class: 'facts'},
      fact('Pool / endpoint / model', `${run.pool} / ${run.endpoint} / ${run.model}`),
      fact('SLO class', run.sloClass), fact('Flavor', run.flavor),
      fact('Started', new Date(run.startedAt).toLocaleString()),
      fact('HTTP status', run.httpStatus ?? '—'),
      fact('Finish reason', run.finishReason ?? '—'),
      fact('Ended', run.ended ?? '—'),
      run.identityChange ? fact('Identity changed', h('span', {id: 'identity-fact'},
        `${identityText(run.identityChange)} (the endpoint's previous scheduled run reported `
          + `${run.identityChange.from})`)) : null,
      fact('Run id', run.runId),
      fact('Trace id', run.traceId ? (link ? h('a', {href: link, id: 'trace-link', rel: 'noopener'}, run.traceId)
        : run.traceId) : '—')));
}

function fact(k, v) {
  return [h('dt', {}, k), h('dd', {}, v)];
}

function figures(run) {
  const t = run.timings || {};
  const tok = run.tokens || {};
  const rows = [['TTFT', seconds(t.ttft)], ['TTFT from start', seconds(t.ttftFromStart)],
    ['pool wait / connect', `${seconds(t.poolWait)} / ${seconds(t.connect)}`],
    ['time to headers', seconds(t.timeToHeaders)], ['end to end', seconds(t.e2e)],
    ['output tokens/s', number(t.outputTokensPerSecond)], ['TPOT', seconds(t.tpot)],
    ['gap p50 / p95 / max', `${seconds(t.interTokenP50)} / ${seconds(t.interTokenP95)} / ${seconds(t.interTokenMax)}`],
    ['output tokens', tok.output == null ? '—' : `${tok.output}${tok.outputEstimated ? ' (estimated)' : ''}`],
    ['prompt tokens', tok.prompt ?? '—'], ['bytes / events', `${run.bytes} / ${run.events}`]];
  // a withheld figure is not a measurement: it shows as a dash, and this row says why
  if (t.figuresWithheld) rows.splice(7, 0, ['withheld', t.figuresWithheld]);
  return h('table', {class: 'list compact figures-table'}, h('caption', {}, 'Figures'),
    h('tbody', {}, rows.map(([k, v]) => h('tr', {'data-figure': k === 'withheld' ? 'withheld' : null},
      h('th', {scope: 'row'}, k), h('td', {}, v)))));
}

function timeline(run, stallMs, cls) {
  const t = run.timeline;
  if (!t) return h('p', {}, 'No timeline: the run ended before a response arrived.');
  // a run that could not start keeps only when its attempt gave up
  if (t.headers == null && t.firstByte == null && t.closed != null) {
    return h('p', {}, `No timeline: the run ended before a response arrived (gave up after ${millis(t.closed)}).`);
  }
  const {svg, stalls} = timelineSvg(t, stallMs, run.identityChange);
  return [
    h('p', {class: 'note'}, 'Ticks are token-bearing chunks; shaded gaps exceed the ',
      cls ? `${cls.name} class's stall threshold of ${millis(stallMs)}` : 'stall threshold (class unknown: none shaded)',
      '.'),
    h('div', {class: 'timeline-wrap'}, svg),
    stalls.length ? h('p', {id: 'stall-summary', class: 'bad'}, stalls.map(g =>
      `Stall of ${millis(g.ms)} before token chunk ${g.chunk}.`).join(' ')) : h('p', {}, 'No gap above the stall threshold.'),
    run.identityChange ? h('p', {id: 'identity-summary', class: 'identity-change'},
      `Identity changed: this stream reported ${identityText(run.identityChange)}, unlike the endpoint's previous `
        + 'scheduled run (marked where the stream started to answer).') : null,
    milestoneTable(t, stalls, run.identityChange)];
}

function gapSection(run, stallMs) {
  const t = run.timings || {};
  if (t.figuresWithheld?.includes('burst')) {
    return h('p', {id: 'gaps-withheld'}, `Gaps withheld (${t.figuresWithheld}): the token chunks came in bursts, `
      + 'so the gaps between them are a buffer\'s, not the model\'s pace.');
  }
  const chunks = run.timeline?.tokenChunks || [];
  const list = gaps(chunks);
  if (list.length === 0) return h('p', {}, 'Fewer than two token chunks: no gaps.');
  const dist = distribution(list, stallMs);
  return [h('div', {id: 'gap-chart', role: 'img',
    'aria-label': `Gap before each token chunk in milliseconds, ${list.length} gaps; the table below lists them by size`}),
  h('table', {class: 'list compact', id: 'gap-distribution'},
    h('caption', {}, 'Distribution of gaps'),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'gap'), h('th', {scope: 'col'}, 'chunks'),
      h('th', {scope: 'col'}, 'stall?'))),
    h('tbody', {}, dist.map(b => {
      const stall = stallMs != null && b.from >= stallMs;
      return h('tr', {class: stall ? 'bad' : ''},
        h('td', {}, b.to === Infinity ? `≥ ${millis(b.from)}` : `${millis(b.from)} – ${millis(b.to)}`),
        h('td', {}, b.count), h('td', {}, stall ? 'above the stall threshold' : ''));
    })))];
}

/** Chunk numbers are whole: the x axis only steps by whole numbers and labels them without decimals. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

function drawGapChart(run, stallMs) {
  const el = document.getElementById('gap-chart');
  if (!el) return;
  const list = gaps(run.timeline.tokenChunks);
  const xs = list.map(g => g.chunk);
  const ms = list.map(g => g.ms);
  const maxGap = Math.max(...ms);
  const sorted = [...ms].sort((a, b) => a - b);
  const p50 = sorted[Math.ceil(sorted.length / 2) - 1];
  // The scale follows the data: on a healthy run the 10-20 ms bars fill the chart, and the stall threshold (often
  // seconds) is drawn only when a gap comes near it; otherwise the note under the chart names it.
  const showThreshold = stallMs != null && maxGap >= stallMs / 2;
  const yMax = Math.max(showThreshold ? stallMs : 0, maxGap) * 1.1 || 1;
  const data = [xs, ms];
  // the legend shows summary values, not the hover values uPlot prints as "--" when no cursor is over the chart
  const series = [{label: 'token chunk'},
    {label: `gap (ms): p50 ${p50.toFixed(1)}, max ${maxGap.toFixed(1)}`, stroke: '#1f4e8c',
      fill: 'rgba(31,78,140,0.25)', paths: uPlot.paths.bars({size: [0.8, 40]})}];
  if (showThreshold) {
    data.push(xs.map(() => stallMs));
    series.push({label: `stall threshold: ${stallMs.toFixed(0)} ms`, stroke: '#b3261e', dash: [6, 4],
      points: {show: false}});
  }
  el.dataset.yMax = String(yMax);
  el.dataset.thresholdShown = String(showThreshold);
  const width = Math.max(320, Math.min(el.parentElement.clientWidth || 900, 1100));
  new uPlot({width, height: 220, series, legend: {live: false},
    scales: {x: {time: false, range: (u, min, max) => [min - 0.5, max + 0.5]}, y: {range: () => [0, yMax]}},
    axes: [{label: 'token chunk', incrs: WHOLE_STEPS, values: (u, splits) => {
      const labels = splits.map(v => Number.isInteger(v) ? String(v) : '');
      el.dataset.xTicks = JSON.stringify(labels.filter(l => l !== ''));
      return labels;
    }}, {label: 'gap before it (ms)'}]}, data, el);
  if (!showThreshold && stallMs != null) {
    el.after(h('p', {class: 'note', id: 'gap-threshold-note'}, `The stall threshold of ${millis(stallMs)} is above `
      + `this scale (largest gap ${millis(maxGap)}).`));
  }
}

function violations(run) {
  if (!run.violations?.length) return h('p', {}, 'None.');
  return h('table', {class: 'list'}, h('thead', {}, h('tr', {},
    ['rule', 'reason', 'detected at'].map(t => h('th', {scope: 'col'}, t)))),
  h('tbody', {}, run.violations.map(v => h('tr', {}, h('td', {}, v.rule), h('td', {}, v.reason),
    h('td', {}, millis(v.atMillis))))));
}

function sloChecks(run) {
  if (!run.sloChecks?.length) return h('p', {}, 'None (the run did not reach the checks, or its class sets none).');
  return h('table', {class: 'list'}, h('thead', {}, h('tr', {},
    ['check', 'threshold', 'actual', 'result', 'reason'].map(t => h('th', {scope: 'col'}, t)))),
  h('tbody', {}, run.sloChecks.map(c => h('tr', {'data-check': c.name}, h('td', {}, c.name),
    h('td', {}, checkValue(c.name, c.threshold)), h('td', {}, checkValue(c.name, c.actual)),
    h('td', {}, badge(c.passed ? 'pass' : 'fail')), h('td', {}, c.reason || '')))));
}

/** An SLO check's threshold or figure with its unit: rates in tokens/s, everything else is a duration. */
export function checkValue(name, v) {
  if (v === null || v === undefined) return '—';
  return name.endsWith('_per_second') ? `${number(v)} tok/s` : seconds(v);
}

function guardrails(run) {
  if (!run.guardrails?.length) return h('p', {}, 'None configured.');
  return h('table', {class: 'list'}, h('thead', {}, h('tr', {},
    ['guardrail', 'result', 'reason'].map(t => h('th', {scope: 'col'}, t)))),
  h('tbody', {}, run.guardrails.map(g => h('tr', {}, h('td', {}, g.name), h('td', {}, badge(g.passed ? 'pass' : 'fail')),
    h('td', {}, g.reason || '')))));
}

/** The units of the normalized evidence figures (docs/observability.md "Server evidence"); other figures are shown as numbers. */
const FIGURE_UNITS = {
  requests_running: v => `${figure(v, 0)} requests`,
  requests_waiting: v => `${figure(v, 0)} requests`,
  kv_cache_usage_ratio: v => percent(v),
  queue_time_seconds: v => seconds(v),
  gpu_utilization_ratio: v => percent(v),
  gpu_memory_used_bytes: v => bytes(v),
};

function bytes(v) {
  if (v == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${figure(v, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** One figure as text with its unit; a missing side or figure is an em dash. */
export function evidenceValue(name, v) {
  if (v === null || v === undefined) return '—';
  const fmt = FIGURE_UNITS[name];
  return fmt ? fmt(v) : figure(v);
}

/**
 * Evidence as the server sends it ({source, before: {at, values}, after: {at, values}, hint, errors}): the hint first
 * and prominent, then the figures before and after the run side by side, then why anything is missing.
 */
export function evidence(ev) {
  const before = ev.before?.values || {};
  const after = ev.after?.values || {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const when = side => side?.at ? new Date(side.at).toLocaleTimeString() : 'not read';
  const errors = ev.errors || [];
  return [
    ev.hint ? h('p', {class: 'hint', id: 'evidence-hint', role: 'note'},
      h('span', {class: 'hint-label'}, 'Hint: '), ev.hint) : h('p', {class: 'note'}, 'No known pattern matched.'),
    h('p', {class: 'note', id: 'evidence-source'}, `Read from ${ev.source || 'an unknown source'}.`),
    names.length ? h('table', {class: 'list', id: 'evidence-figures'},
      h('caption', {}, 'What the server reported just before and just after the run'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'figure'),
        h('th', {scope: 'col'}, `before (${when(ev.before)})`), h('th', {scope: 'col'}, `after (${when(ev.after)})`))),
      h('tbody', {}, names.map(n => h('tr', {'data-figure': n}, h('th', {scope: 'row'}, n),
        h('td', {class: 'num'}, evidenceValue(n, before[n])), h('td', {class: 'num'}, evidenceValue(n, after[n]))))))
      : h('p', {}, 'No figures were read.'),
    errors.length ? h('div', {id: 'evidence-errors'}, h('p', {}, 'Missing because:'),
      h('ul', {}, errors.map(e => h('li', {}, e)))) : null];
}
