// The page reads only the public JSON API (the same reads anyone can make with curl).

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

export async function getJson(path) {
  const res = await fetch(path, {headers: {Accept: 'application/json'}});
  if (!res.ok) {
    let detail = `HTTP ${res.status}`;
    try {
      const problem = await res.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) {
      // not a problem+json body: keep the status line
    }
    throw new ApiError(res.status, detail);
  }
  return res.json();
}

let settings;

/** The status page settings (trace link template, refresh interval), fetched once. */
export async function uiSettings() {
  if (!settings) settings = await getJson('/api/ui');
  return settings;
}

/** A trace UI link for a trace id, or null when no template is configured or it is not http(s). */
export function traceUrl(template, traceId) {
  if (!template || !traceId || !/^https?:\/\//i.test(template)) return null;
  return template.split('{traceId}').join(encodeURIComponent(traceId));
}
