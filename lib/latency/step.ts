/** Chart steps a user may choose, in minutes (the rollup's grain is one minute). */
export const STEPS = { "1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "3h": 180, "6h": 360, "1d": 1440 } as const;
export type StepName = keyof typeof STEPS;
export const STEP_NAMES = Object.keys(STEPS) as StepName[];

/** About this many points per chart when the step is automatic. */
const TARGET_POINTS = 96;

/** The smallest step that keeps the chart near TARGET_POINTS points over the range. */
export function autoStep(rangeMs: number): StepName {
  const wanted = rangeMs / 60_000 / TARGET_POINTS;
  return STEP_NAMES.find((s) => STEPS[s] >= wanted) ?? "1d";
}
