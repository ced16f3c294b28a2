// The token timeline of one run as SVG: the stream's milestones, every token-bearing chunk as a tick, and the gaps
// above the class's stall threshold highlighted. Times are milliseconds after the request was written.
import {s, h, millis} from './dom.js';

const W = 1000, H = 150, PAD = 40, TICK_Y = 70, TICK_H = 34;

/** The milestones of a timeline in stream order; absent ones are left out. */
export function milestones(t) {
  return [['request written', 0], ['headers', t.headers], ['first byte', t.firstByte], ['first token', t.firstToken],
    ['finish', t.finish], ['usage', t.usage], ['[DONE]', t.done], ['closed', t.closed]]
    .filter(([, v]) => v !== null && v !== undefined);
}

/** Gaps between consecutive token chunks; chunk is the 1-based number of the chunk after the gap. */
export function gaps(chunks) {
  const out = [];
  for (let i = 1; i < chunks.length; i++) out.push({chunk: i + 1, from: chunks[i - 1], to: chunks[i], ms: chunks[i] - chunks[i - 1]});
  return out;
}

/**
 * Where an identity change is marked: at the stream's first data chunk, which carries the server's
 * system_fingerprint (OpenAI-compatible servers repeat it on every chunk), else its first byte.
 */
export function identityAt(t) {
  return t.firstChunk ?? t.firstByte ?? 0;
}

/** "fingerprint fp_a → fp_b": the API's source name (fingerprint, server, model_sha, …), then both values. */
export function identityText(change) {
  return `${change.source} ${change.from} → ${change.to}`;
}

export function timelineSvg(t, stallMs, identity) {
  const chunks = t.tokenChunks || [];
  const end = Math.max(1, ...milestones(t).map(([, v]) => v), ...chunks);
  const x = v => PAD + (v / end) * (W - 2 * PAD);
  const stalls = gaps(chunks).filter(g => stallMs != null && g.ms > stallMs);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img', id: 'token-timeline',
    'aria-labelledby': 'timeline-desc'},
  s('title', {id: 'timeline-desc'}, `Token timeline: ${chunks.length} token chunks over ${millis(end)}, `
    + `${stalls.length} gap(s) above the stall threshold`),
  s('line', {x1: x(0), x2: x(end), y1: TICK_Y + TICK_H / 2, y2: TICK_Y + TICK_H / 2, class: 'axis'}));
  for (const g of stalls) {
    const r = s('rect', {x: x(g.from), y: TICK_Y - 6, width: Math.max(2, x(g.to) - x(g.from)), height: TICK_H + 12,
      class: 'stall', 'data-chunk': g.chunk, 'data-gap-ms': g.ms.toFixed(1)});
    r.append(s('title', {}, `stall: ${millis(g.ms)} before token chunk ${g.chunk} (threshold ${millis(stallMs)})`));
    svg.append(r);
  }
  chunks.forEach((v, i) => svg.append(s('line', {x1: x(v), x2: x(v), y1: TICK_Y, y2: TICK_Y + TICK_H,
    class: 'tick', 'data-chunk': i + 1})));
  // milestones closer than a label's width share one label ("finish · usage · [DONE]")
  const groups = [];
  for (const [label, v] of milestones(t)) {
    const g = groups[groups.length - 1];
    if (g && x(v) - x(g.at) < 90) g.labels.push(label);
    else groups.push({at: v, labels: [label]});
  }
  groups.forEach((g, i) => {
    const y = 14 + (i % 3) * 16;
    const nearEnd = x(g.at) > W - 200;
    svg.append(s('line', {x1: x(g.at), x2: x(g.at), y1: y + 4, y2: H - 22, class: 'milestone'}));
    svg.append(s('text', {x: x(g.at) + (nearEnd ? -3 : 3), y, class: 'label', 'text-anchor': nearEnd ? 'end' : 'start'},
      g.labels.join(' · ')));
  });
  if (identity) {
    // drawn above the milestones' labels so the two never overlap
    const at = x(identityAt(t));
    const mark = s('g', {class: 'identity', id: 'identity-mark'},
      s('title', {}, `identity changed: ${identityText(identity)} (reported by this stream, unlike the endpoint's `
        + 'previous scheduled run)'),
      s('line', {x1: at, x2: at, y1: TICK_Y - 12, y2: TICK_Y + TICK_H + 6, class: 'identity-line'}),
      s('text', {x: at + 4, y: TICK_Y - 2, class: 'label identity-label'}, '⇄ identity changed'));
    svg.append(mark);
  }
  // time axis: start, middle and end
  [0, end / 2, end].forEach(v => svg.append(s('text', {x: x(v), y: H - 6, class: 'axis-label',
    'text-anchor': v === 0 ? 'start' : v === end ? 'end' : 'middle'}, millis(v))));
  return {svg, stalls};
}

/** The text alternative: every milestone, every highlighted gap and the identity change in a table. */
export function milestoneTable(t, stalls, identity) {
  const rows = milestones(t).map(([label, v]) => h('tr', {}, h('th', {scope: 'row'}, label), h('td', {}, millis(v))));
  const chunks = t.tokenChunks || [];
  if (chunks.length) {
    rows.splice(4, 0, h('tr', {}, h('th', {scope: 'row'}, 'token chunks'),
      h('td', {}, `${chunks.length}, from ${millis(chunks[0])} to ${millis(chunks[chunks.length - 1])}`)));
  }
  stalls.forEach(g => rows.push(h('tr', {class: 'stall-row', 'data-chunk': g.chunk},
    h('th', {scope: 'row'}, `stall before token chunk ${g.chunk}`),
    h('td', {}, `${millis(g.ms)} gap, from ${millis(g.from)} to ${millis(g.to)}`))));
  if (identity) {
    rows.push(h('tr', {class: 'identity-row'}, h('th', {scope: 'row'}, 'identity changed'),
      h('td', {}, `${identityText(identity)}, reported from ${millis(identityAt(t))}`)));
  }
  return h('table', {class: 'list compact', id: 'milestones'},
    h('caption', {}, 'Milestones (ms after the request was written)'),
    h('tbody', {}, rows));
}

const EDGES = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** How many gaps fall in each bucket, the stall threshold as one more edge. */
export function distribution(gapList, stallMs) {
  const edges = [...new Set([...EDGES, ...(stallMs ? [stallMs] : [])])].sort((a, b) => a - b);
  const buckets = edges.map((e, i) => ({from: i === 0 ? 0 : edges[i - 1], to: e, count: 0}));
  buckets.push({from: edges[edges.length - 1], to: Infinity, count: 0});
  for (const g of gapList) buckets.find(b => g.ms < b.to || b.to === Infinity).count++;
  return buckets.filter(b => b.count > 0);
}
