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

const DAY_US = 86_400_000_000;

/**
 * An endless, seeded sequence of demo traces, rendered as COPY rows: the showcases first (one
 * trace per case the explorer must show, of the first tenant, in the window's last day), then
 * the traffic mix.
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
    const from = showcase ? Math.max(this.options.fromUs, this.options.toUs - DAY_US) : this.options.fromUs;
    const origin = placeTrace(showcase ? this.showcaseRng : this.clock, tenant, from, this.options.toUs, trace.lastEnd());
    const summary = this.rows.write(trace, origin, spans);
    if (logs) for (const record of demoTraceLogs(trace, origin, this.options.resources)) logs.push(record);
    this.traces++;
    this.spans += trace.spans.length;
    return { summary, spans: trace.spans.length };
  }
}
