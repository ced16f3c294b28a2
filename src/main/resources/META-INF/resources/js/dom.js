// Small DOM helpers: every text goes through textContent, never innerHTML, so API data cannot inject markup.

/** Creates an element: h('a', {href: '#'}, 'text', child). Attributes starting with "on" become listeners. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Replaces an element's children, leaving out null/false ones (replaceChildren itself would show "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Seconds as "0.214 s" / "12 ms"; null as an em dash. */
export function seconds(v) {
  if (v === null || v === undefined) return '—';
  return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`;
}

export function millis(v) {
  if (v === null || v === undefined) return '—';
  return v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`;
}

export function number(v, digits = 1) {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

export function percent(v, digits = 1) {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`;
}

/** "12 s ago", "3 min ago", "2 h ago" from an ISO instant. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const sec = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (sec < 90) return `${sec} s ago`;
  if (sec < 5400) return `${Math.round(sec / 60)} min ago`;
  if (sec < 172800) return `${Math.round(sec / 3600)} h ago`;
  return `${Math.round(sec / 86400)} d ago`;
}

/**
 * The status words and the symbol shown next to them (colour is never the only signal). Symbols come from blocks
 * every text font has (Latin, punctuation, arrows, geometric shapes, the check and ballot marks), never from the
 * emoji blocks: on a machine without an emoji font those render as empty boxes.
 */
export const STATUS = {
  pass: {label: 'pass', symbol: '✓'},
  fail: {label: 'fail', symbol: '✗'},
  error: {label: 'error', symbol: '!'},
  skipped: {label: 'skipped', symbol: '‖'},
  none: {label: 'no run yet', symbol: '·'},
  inconclusive: {label: 'inconclusive', symbol: '?'},
  regression: {label: 'regression', symbol: '✗'},
  running: {label: 'running', symbol: '…'},
  cancelled: {label: 'cancelled', symbol: '■'},
  failed: {label: 'failed', symbol: '!'},
  done: {label: 'done', symbol: '✓'},
};

export function badge(status) {
  const st = STATUS[status] || {label: status, symbol: '?'};
  return h('span', {class: `badge st-${status}`},
    h('span', {'aria-hidden': 'true'}, st.symbol), ' ', st.label);
}

/** A number with at most `digits` decimals and no trailing zeros ("0.0123", "12.5"); null as an em dash. */
export function figure(v, digits = 4) {
  if (v === null || v === undefined) return '—';
  return String(Number(v.toFixed(digits)));
}
