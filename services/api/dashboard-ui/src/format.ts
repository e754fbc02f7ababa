/** Milliseconds as an operator reads them: 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
}

export function rate(perSecond: number | null | undefined): string {
  return perSecond === null || perSecond === undefined ? '–' : `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString('en-US')}/s`;
}

export function time(epochMs: number | string): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** The first part of a UUID, enough to tell mappings apart on screen (the whole one is the title). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
