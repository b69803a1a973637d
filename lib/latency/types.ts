/** What lib/latency hands the page and GET /api/latency: plain JSON, durations in nanoseconds. */

export interface Quantiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface SeriesPoint extends Quantiles {
  /** Start of the step, ISO. */
  t: string;
  /** Re-weighted span count in the step. */
  count: number;
  perMinute: number;
  errorRate: number;
}

export interface HistogramBar {
  bucket: number;
  lowerNs: number;
  upperNs: number;
  weight: number;
}

export interface HeatmapCell {
  t: string;
  bucket: number;
  weight: number;
}

export interface OperationFigures {
  count: number;
  p95Ns: number | null;
  errorRate: number;
  totalNs: number;
}

export interface OperationRow extends OperationFigures {
  service: string;
  operation: string;
  /** The period of the same length just before; null when the operation had no spans then. */
  previous: OperationFigures | null;
}

export interface JobRow {
  job: string;
  attempts: number;
  retries: number;
  failures: number;
  runP50Ns: number | null;
  runP95Ns: number | null;
  /** First attempts whose queue wait is known (enqueue and worker spans both stored). */
  waits: number;
  waitP50Ns: number | null;
  waitP95Ns: number | null;
}

export interface LatencyReport {
  from: string;
  to: string;
  stepMinutes: number;
  /** Spans stored in the window, and the traffic they stand for once re-weighted. */
  spans: number;
  weighted: number;
  /** True when sampling made the figures estimates of the real traffic. */
  estimated: boolean;
  overall: Quantiles;
  series: SeriesPoint[];
  histogram: HistogramBar[];
  heatmap: HeatmapCell[];
  operations: OperationRow[];
  jobs: JobRow[];
}
