import { Random } from "./random";
import type { DemoResource, ServiceName } from "./resources";
import { buildTrace } from "./scenarios";
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

/** An endless, seeded sequence of demo traces, rendered as COPY rows. */
export class DemoTraceSource {
  traces = 0;
  spans = 0;
  private readonly rng: Random;
  private readonly clock: Random;
  private readonly rows: TraceRowWriter;
  private readonly weights: number[];

  constructor(private readonly options: SourceOptions) {
    // Trace content and placement in time draw from separate streams, so a seed gives the
    // same traces whatever the window is.
    this.rng = new Random(options.seed);
    this.clock = new Random(options.seed ^ 0x5bd1e995);
    this.rows = new TraceRowWriter(options.resources);
    this.weights = options.tenants.map((t) => t.weight);
  }

  /** Appends the next trace's span rows to `spans`; returns its traces row and span count. */
  next(spans: { write(text: string): void }): { summary: string; spans: number } {
    const tenant = this.options.tenants[this.rng.weighted(this.weights)]!;
    const trace = buildTrace(this.rng, tenant);
    const origin = placeTrace(this.clock, tenant, this.options.fromUs, this.options.toUs, trace.lastEnd());
    const summary = this.rows.write(trace, origin, spans);
    this.traces++;
    this.spans += trace.spans.length;
    return { summary, spans: trace.spans.length };
  }
}
