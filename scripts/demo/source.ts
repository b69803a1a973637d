import { Random } from "./random";
import type { DemoResource, ServiceName } from "./resources";
import { buildTrace } from "./scenarios";
import { buildShowcase, SHOWCASES } from "./scenarios/showcase";
import { demoTraceLogs, type DemoLogRecord } from "./trace-logs";
import { TraceRowWriter } from "./trace-rows";
import { placeTrace, type TenantTraffic } from "./traffic";

export interface SourceOptions {
  seed: number;
  /** The window trace start times fall in, microseconds since the epoch. */
  fromUs: number;
  toUs: number;
  tenants: TenantTraffic[];
  resources: Map<ServiceName, DemoResource[]>;
}

const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;

/**
 * An endless, seeded sequence of demo traces, rendered as COPY rows: the showcases first (the
 * traces of each case the explorer must show, of the first tenant, in the window's last days),
 * then the traffic mix.
 */
export class DemoTraceSource {
  traces = 0;
  spans = 0;
  private readonly rng: Random;
  private readonly clock: Random;
  /** The showcases draw from their own stream, so the mix's traces stay what the seed made them. */
  private readonly showcaseRng: Random;
  private readonly rows: TraceRowWriter;
  private readonly weights: number[];

  constructor(private readonly options: SourceOptions) {
    // Trace content and placement in time draw from separate streams, so a seed gives the
    // same traces whatever the window is.
    this.rng = new Random(options.seed);
    this.clock = new Random(options.seed ^ 0x5bd1e995);
    this.showcaseRng = new Random(options.seed ^ 0x27d4eb2f);
    this.rows = new TraceRowWriter(options.resources);
    this.weights = options.tenants.map((t) => t.weight);
  }

  /** Appends the next trace's span rows to `spans` (and its log records to `logs`, if given); returns its traces row and span count. */
  next(spans: { write(text: string): void }, logs?: DemoLogRecord[]): { summary: string; spans: number } {
    const showcase = SHOWCASES[this.traces];
    const tenant = showcase ? this.options.tenants[0]! : this.options.tenants[this.rng.weighted(this.weights)]!;
    const trace = showcase ? buildShowcase(showcase, this.showcaseRng, tenant) : buildTrace(this.rng, tenant);
    const { from, to } = showcase ? this.showcaseDay(showcase.daysAgo ?? 0) : { from: this.options.fromUs, to: this.options.toUs };
    const origin = placeTrace(showcase ? this.showcaseRng : this.clock, tenant, from, to, trace.lastEnd());
    const summary = this.rows.write(trace, origin, spans);
    if (logs) for (const record of demoTraceLogs(trace, origin, this.options.resources)) logs.push(record);
    this.traces++;
    this.spans += trace.spans.length;
    return { summary, spans: trace.spans.length };
  }

  /**
   * A showcase's day of the window, less its oldest hour: a view of the last 24 hours (or the
   * 24 before) opened up to an hour after the seed still holds it in the same day.
   */
  private showcaseDay(daysAgo: number): { from: number; to: number } {
    const to = Math.max(this.options.fromUs, this.options.toUs - daysAgo * DAY_US);
    return { from: Math.min(to, Math.max(this.options.fromUs, to - DAY_US + HOUR_US)), to };
  }
}
