import { Random } from "./random";
import type { DemoResource, ServiceName } from "./resources";
import { buildShowcaseTrace, buildTrace } from "./scenarios";
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

  /**
   * Appends the next trace's span rows to `spans`; returns its traces row and span count. The
   * first is the showcase trace (scenarios/index.ts), from streams of its own so the mix that
   * follows is the same as without it.
   */
  next(spans: { write(text: string): void }): { summary: string; spans: number } {
    const showcase = this.traces === 0;
    const rng = showcase ? new Random(this.options.seed ^ 0x2c1b3c6d) : this.rng;
    const tenant = showcase ? this.options.tenants[0]! : this.options.tenants[this.rng.weighted(this.weights)]!;
    const trace = showcase ? buildShowcaseTrace(rng, tenant) : buildTrace(rng, tenant);
    // The showcase falls in the last day, which the pages' default windows cover.
    const fromUs = showcase ? Math.max(this.options.fromUs, this.options.toUs - DAY_US) : this.options.fromUs;
    const origin = placeTrace(showcase ? rng : this.clock, tenant, fromUs, this.options.toUs, trace.lastEnd());
    const summary = this.rows.write(trace, origin, spans);
    this.traces++;
    this.spans += trace.spans.length;
    return { summary, spans: trace.spans.length };
  }
}
