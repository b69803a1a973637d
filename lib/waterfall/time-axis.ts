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

/** The window `factor` times as wide (2: zoom out, 0.5: zoom in) about its centre, inside [0, total] and at least 1 µs wide. */
export function scaled(view: ViewWindow, factor: number, total: number): ViewWindow {
  const width = Math.min(total, Math.max(1_000, (view.end - view.start) * factor));
  const centre = (view.start + view.end) / 2;
  const start = Math.min(Math.max(0, centre - width / 2), Math.max(0, total - width));
  return { start, end: start + width };
}

/**
 * The window after a zoom or pan key, so the timeline works without a mouse: + / − zoom about
 * the centre, ← / → move a tenth of the window, 0 shows the whole trace; null for other keys.
 */
export function viewAfterKey(key: string, view: ViewWindow, total: number): ViewWindow | null {
  const tenth = (view.end - view.start) / 10;
  switch (key) {
    case "+":
    case "=":
      return scaled(view, 0.5, total);
    case "-":
    case "_":
      return scaled(view, 2, total);
    case "ArrowLeft":
      return panned(view, -tenth, total);
    case "ArrowRight":
      return panned(view, tenth, total);
    case "0":
      return { start: 0, end: total };
    default:
      return null;
  }
}
