/** The visible time window, ns since the trace's start. */
export interface ViewWindow {
  start: number;
  end: number;
}

/** Where time `t` falls in the window, 0 at its start and 1 at its end. */
export function fractionOf(view: ViewWindow, t: number): number {
  return (t - view.start) / Math.max(1, view.end - view.start);
}

const STEPS = [1, 2, 5];

/** Round tick times (1, 2 or 5 × 10^n ns apart) covering the window, about `count` of them. */
export function ticks(view: ViewWindow, count = 6): number[] {
  const span = Math.max(1, view.end - view.start);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = (STEPS.find((s) => s * magnitude >= raw) ?? 10) * magnitude;
  const out: number[] = [];
  for (let t = Math.ceil(view.start / step) * step; t <= view.end; t += step) out.push(t);
  return out;
}

/** The window between two fractions of the current one (a drag on the ruler), at least 1 µs wide. */
export function zoomed(view: ViewWindow, from: number, to: number): ViewWindow {
  const [a, b] = from < to ? [from, to] : [to, from];
  const span = view.end - view.start;
  const start = view.start + a * span;
  return { start, end: Math.max(start + 1_000, view.start + b * span) };
}

/** The window moved by `delta` ns, kept inside [0, total]. */
export function panned(view: ViewWindow, delta: number, total: number): ViewWindow {
  const width = view.end - view.start;
  const start = Math.min(Math.max(0, view.start + delta), Math.max(0, total - width));
  return { start, end: start + width };
}
