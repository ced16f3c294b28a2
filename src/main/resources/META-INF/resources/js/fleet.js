// The fleet grid: rows are pool × model, columns SLO classes; each cell is the worst current state of the
// canaries of that class on that model and pool, with the run that explains it one click away.
import {h, badge, seconds, number, percent, age} from './dom.js';
import {getJson} from './api.js';
import {identityText} from './timeline.js';

const filters = {pool: '', model: '', sloClass: ''};

/** Renders the fleet view into main; returns a refresh function for live updates. */
export function fleetView(main) {
  const status = h('p', {class: 'note', id: 'fleet-status'});
  const filterBar = h('form', {class: 'filters', 'aria-label': 'Filter the grid', onsubmit: e => e.preventDefault()});
  const grid = h('div', {id: 'fleet-grid', class: 'grid-wrap'});
  const failures = h('section', {id: 'recent-failures', 'aria-labelledby': 'failures-title'});
  main.replaceChildren(
    h('h2', {id: 'fleet-title'}, 'Fleet'),
    h('p', {class: 'note'}, 'Each cell: the worst current state of the canaries of that SLO class on that model and ',
      'pool, the run that explains it (TTFT and tokens/s against the class threshold), and compliance over 24 h. ',
      'Select a cell to open its run.'),
    filterBar, status, grid, failures);

  let last;
  async function refresh() {
    const fleet = await getJson('/api/fleet');
    last = fleet;
    renderFilters(filterBar, fleet, () => renderGrid(grid, last));
    renderGrid(grid, fleet);
    status.textContent = fleet.storeAvailable ? ''
      : 'The run store is unavailable: cells show this replica\'s recent runs only, without compliance.';
    await renderFailures(failures);
  }
  return refresh;
}

function options(values, selected, allLabel) {
  return [h('option', {value: ''}, allLabel),
    ...values.map(v => h('option', {value: v, selected: v === selected}, v))];
}

function renderFilters(form, fleet, onChange) {
  const uniq = key => [...new Set(fleet.cells.map(c => c[key]))].sort();
  const select = (key, label, all) => {
    const id = `filter-${key}`;
    const el = h('select', {id, name: key, onchange: e => { filters[key] = e.target.value; onChange(); }},
      options(uniq(key), filters[key], all));
    return h('label', {for: id}, label, ' ', el);
  };
  // keep focus on the select the user is operating across live updates
  const focused = document.activeElement && form.contains(document.activeElement) ? document.activeElement.id : null;
  form.replaceChildren(select('pool', 'Pool', 'all pools'), select('model', 'Model', 'all models'),
    select('sloClass', 'SLO class', 'all classes'));
  if (focused) document.getElementById(focused)?.focus();
}

function renderGrid(container, fleet) {
  const cells = fleet.cells.filter(c => (!filters.pool || c.pool === filters.pool)
    && (!filters.model || c.model === filters.model) && (!filters.sloClass || c.sloClass === filters.sloClass));
  const classes = fleet.classes.filter(k => cells.some(c => c.sloClass === k.name));
  const rows = new Map();
  for (const c of cells) {
    const key = `${c.pool}\u0000${c.model}`;
    if (!rows.has(key)) rows.set(key, {pool: c.pool, model: c.model, byClass: {}, circuits: c.circuits});
    rows.get(key).byClass[c.sloClass] = c;
  }
  if (cells.length === 0) {
    container.replaceChildren(h('p', {}, 'No canary runs on the selected pool, model and class.'));
    return;
  }
  const focusedCell = document.activeElement?.dataset?.cell;
  const table = h('table', {class: 'fleet', id: 'fleet-table'},
    h('caption', {}, `${cells.length} cells, updated ${new Date(fleet.generatedAt).toLocaleTimeString()}`),
    h('thead', {}, h('tr', {},
      h('th', {scope: 'col'}, 'Pool'), h('th', {scope: 'col'}, 'Model'),
      classes.map(k => h('th', {scope: 'col'}, k.name, h('br'), h('span', {class: 'thr'}, thresholdText(k)))))),
    h('tbody', {}, byPool(rows).map(({r, span}) => h('tr', {'data-pool': r.pool},
      // a pool's name heads its group of model rows once, not on every row
      span ? h('th', {scope: 'rowgroup', rowspan: span, class: 'pool'}, r.pool, circuitNote(r.circuits)) : null,
      h('th', {scope: 'row', class: 'model'}, r.model),
      classes.map(k => h('td', {}, r.byClass[k.name] ? cellContent(r.byClass[k.name], k) : h('span', {class: 'na'}, '—')))))));
  container.replaceChildren(table);
  if (focusedCell) container.querySelector(`[data-cell="${CSS.escape(focusedCell)}"]`)?.focus();
}

/** Rows ordered by pool, the first of each pool carrying how many rows its pool heading spans (0 for the rest). */
function byPool(rows) {
  const list = [...rows.values()].sort((a, b) => a.pool.localeCompare(b.pool));
  const count = pool => list.filter(o => o.pool === pool).length;
  return list.map((r, i) => ({r, span: i > 0 && list[i - 1].pool === r.pool ? 0 : count(r.pool)}));
}

function thresholdText(k) {
  const parts = [];
  if (k.ttftSeconds != null) parts.push(`TTFT ≤ ${seconds(k.ttftSeconds)}`);
  if (k.minOutputTokensPerSecond != null) parts.push(`≥ ${k.minOutputTokensPerSecond} tok/s`);
  if (k.e2eSeconds != null) parts.push(`e2e ≤ ${seconds(k.e2eSeconds)}`);
  parts.push(`objective ${percent(k.objective)}`);
  return parts.join(' · ');
}

/** A text-font arrow, not the emoji lightning bolt (see STATUS in dom.js). */
export const CIRCUIT_SYMBOL = '↯';

function circuitNote(circuits) {
  if (!circuits || circuits.length === 0) return null;
  return h('div', {class: 'circuit'}, circuits.map(c => h('span', {class: 'badge st-error'},
    h('span', {'aria-hidden': 'true'}, CIRCUIT_SYMBOL), ' ',
    c.circuit !== 'closed' ? `circuit ${c.circuit.replace('_', '-')}: ${c.endpoint}`
      : `rate-limited: ${c.endpoint}`)));
}

function cellContent(c, k) {
  const run = c.run;
  const id = `${c.pool}/${c.model}/${c.sloClass}`;
  const figures = [];
  if (run) {
    figures.push(h('span', {class: over(run.ttftSeconds, k.ttftSeconds) ? 'bad' : ''},
      `TTFT ${seconds(run.ttftSeconds)}`, k.ttftSeconds != null ? ` / ${seconds(k.ttftSeconds)}` : ''));
    figures.push(h('span', {class: under(run.outputTokensPerSecond, k.minOutputTokensPerSecond) ? 'bad' : ''},
      `${number(run.outputTokensPerSecond)} tok/s`,
      k.minOutputTokensPerSecond != null ? ` / ≥ ${k.minOutputTokensPerSecond}` : ''));
  }
  const comp = c.compliance;
  const body = [
    h('div', {class: 'cell-head'}, badge(c.status),
      h('span', {class: 'age'}, run ? age(run.startedAt) : (c.skipped ? age(c.skipped.at) : ''))),
    c.reason ? h('div', {class: 'reason'}, c.reason) : null,
    replicasNote(c),
    identityNote(c.identityChange),
    h('div', {class: 'canaries'}, [...new Set(c.targets.map(t => t.canary))].join(', ')),
    figures.length ? h('div', {class: 'figures'}, figures[0], ' · ', figures[1]) : null,
    h('div', {class: 'compliance' + (comp && comp.compliance < comp.objective ? ' bad' : '')},
      comp ? `24 h: ${percent(comp.compliance)} of ${comp.runs}` : '24 h: no runs'),
  ];
  const attrs = {class: `cell st-${c.status}`, 'data-cell': id, 'data-status': c.status,
    'data-consistency': c.consistency ? c.consistency.state : null};
  // a cell with a run is a link to it; one without stays focusable so keyboard users can read every cell
  return run ? h('a', {...attrs, href: `#/runs/${run.runId}`}, body)
    : h('div', {...attrs, tabindex: '0'}, body);
}

/**
 * Symbols for the replicas' standing, from text fonts like the status symbols: "≠" a replica differs from its pool's
 * majority, "=" they agree, "?" nothing can be said; the word is always beside it.
 */
export const REPLICAS = {
  diverges: {symbol: '≠', text: c => `replica diverges: ${c.divergent.join(', ')}`},
  agrees: {symbol: '=', text: () => 'replicas agree'},
  unknown: {symbol: '?', text: () => 'replicas not judged'},
};

/** The cell's cross-replica standing (only when one of its canaries compares replicas), with its reason. */
function replicasNote(c) {
  const k = c.consistency;
  if (!k) return null;
  const r = REPLICAS[k.state] || REPLICAS.unknown;
  // the cell's own reason already says it when its run failed with this divergence
  const why = k.reason && !(c.reason || '').includes(k.reason) ? k.reason : null;
  return h('div', {class: `replicas replicas-${k.state}` + (k.state === 'diverges' ? ' bad' : ''),
    'data-state': k.state},
  h('span', {'aria-hidden': 'true'}, r.symbol), ' ', r.text(c), why ? h('span', {class: 'why'}, ` (${why})`) : null);
}

/** A text-font arrow pair for "what the endpoint says it serves changed". */
export const IDENTITY_SYMBOL = '⇄';

/** "identity changed 12 min ago on r1: fingerprint a → b". */
function identityNote(change) {
  if (!change) return null;
  return h('div', {class: 'identity-change', 'data-endpoint': change.endpoint},
    h('span', {'aria-hidden': 'true'}, IDENTITY_SYMBOL), ' ',
    `identity changed ${age(change.at)} on ${change.endpoint}: ${identityText(change)}`);
}

function over(v, limit) { return v != null && limit != null && v > limit; }
function under(v, limit) { return v != null && limit != null && v < limit; }

async function renderFailures(section) {
  const lists = await Promise.all(['fail', 'error'].map(o =>
    getJson(`/api/runs?outcome=${o}&limit=10`).then(r => r.runs).catch(() => null)));
  if (lists.some(l => l === null)) {
    section.replaceChildren(h('h2', {id: 'failures-title'}, 'Recent failures'),
      h('p', {}, 'The run store is unavailable.'));
    return;
  }
  const runs = lists.flat().sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, 10);
  section.replaceChildren(h('h2', {id: 'failures-title'}, 'Recent failures'),
    runs.length === 0 ? h('p', {}, 'No failed or errored runs stored.') :
      h('table', {class: 'list'},
        h('thead', {}, h('tr', {}, ['When', 'Outcome', 'Canary', 'Pool', 'Endpoint', 'Model', 'Reason']
          .map(t => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, runs.map(r => h('tr', {},
          h('td', {}, h('a', {href: `#/runs/${r.runId}`}, age(r.startedAt))),
          h('td', {}, badge(r.outcome)), h('td', {}, r.canary), h('td', {}, r.pool), h('td', {}, r.endpoint),
          h('td', {}, r.model), h('td', {class: 'reason'}, r.reason || ''))))));
}
