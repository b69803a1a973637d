/**
 * A duration as the trace search's URL takes it ("250ms", "1.5s"): milliseconds below a
 * second, seconds above, at most three decimals.
 */
export function durationParam(ns: number): string {
  const round = (v: number) => String(Math.round(v * 1000) / 1000);
  return ns >= 1e9 ? `${round(ns / 1e9)}s` : `${round(ns / 1e6)}ms`;
}
