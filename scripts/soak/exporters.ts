import { SpanKind, SpanStatusCode, context, trace, type Tracer } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace";

/** Every span the soak's clients produced, as `tenant/traceId+spanId` (hex), to compare with storage. */
export class SentSpans {
  readonly keys = new Set<string>();
  add(tenant: string, traceIdHex: string, spanIdHex: string): void {
    this.keys.add(`${tenant}/${traceIdHex}${spanIdHex}`);
  }
}

export interface ExportTally {
  /** Export calls the OTel exporter gave up on (after its own retries) that were tried again. */
  reexports: number;
  /** Spans whose export failed for good: a non-retryable answer, or retries past the deadline. */
  lostSpans: number;
  failures: string[];
}

/**
 * What an OpenTelemetry Collector's retry_on_failure does in front of the SDK exporter: the
 * OTLP exporter retries 429/503 itself (honouring Retry-After) but only within its 10 s
 * timeout; this keeps re-exporting a batch that failed retryably until it is accepted or the
 * soak's drain deadline passes. A non-retryable answer (4xx, 500) is a failure at once.
 */
class PersistentExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly tally: ExportTally,
    private readonly giveUpAt: () => number,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const attempt = () =>
      this.inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) return done(result);
        // OTLPExporterError carries the HTTP status of a non-retryable answer; retryable ones don't.
        const status = (result.error as { code?: unknown } | undefined)?.code;
        if (typeof status === "number" || Date.now() > this.giveUpAt()) {
          this.tally.lostSpans += spans.length;
          this.tally.failures.push(`${spans.length} spans: ${typeof status === "number" ? `HTTP ${status}` : "retries past the deadline"} (${result.error?.message ?? "no message"})`);
          return done(result);
        }
        this.tally.reexports++;
        setTimeout(attempt, 1000);
      });
    attempt();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Records each ended span's ids before it is exported. */
class RecordingProcessor implements SpanProcessor {
  constructor(
    private readonly tenant: string,
    private readonly sent: SentSpans,
  ) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    this.sent.add(this.tenant, traceId, spanId);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ExporterOptions {
  endpoint: string;
  key: string;
  tenant: string;
  service: string;
  /** Spans per second. */
  rate: number;
  sent: SentSpans;
  tally: ExportTally;
  giveUpAt: () => number;
}

const SPANS_PER_TRACE = 8;
const ROUTES = ["/api/projects/:id", "/api/invoices", "/api/search", "/api/users/:id/settings"];
const TICK_MS = 100;

/**
 * One instrumented service: the OpenTelemetry SDK with a BatchSpanProcessor and the OTLP/HTTP
 * protobuf exporter, producing traces of 8 spans at a steady rate until stopped.
 */
export class SoakExporter {
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;
  private timer: NodeJS.Timeout | undefined;
  private owed = 0;
  private traces = 0;

  constructor(private readonly options: ExporterOptions) {
    const exporter = new OTLPTraceExporter({ url: options.endpoint, headers: { authorization: `Bearer ${options.key}` } });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": options.service, "tenant.id": options.tenant, "deployment.environment.name": "soak" }),
      spanProcessors: [
        new RecordingProcessor(options.tenant, options.sent),
        new BatchSpanProcessor({
          exporter: new PersistentExporter(exporter, options.tally, options.giveUpAt),
          maxExportBatchSize: 512,
          scheduledDelayMillis: 500,
          // Never drop on the client: an outage queues spans (tens of MB at most) until it ends.
          maxQueueSize: 2_000_000,
          exportTimeoutMillis: 600_000,
        }),
      ],
    });
    this.tracer = this.provider.getTracer("soak", "1.0.0");
  }

  start(): void {
    this.timer = setInterval(() => {
      this.owed += (this.options.rate * TICK_MS) / 1000;
      while (this.owed >= SPANS_PER_TRACE) {
        this.owed -= SPANS_PER_TRACE;
        this.recordTrace();
      }
    }, TICK_MS);
  }

  /** Stops producing and waits until every span produced was exported (or given up on). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.provider.forceFlush();
    await this.provider.shutdown();
  }

  private recordTrace(): void {
    const n = this.traces++;
    const route = ROUTES[n % ROUTES.length]!;
    const t0 = Date.now() - 50;
    const root = this.tracer.startSpan(`GET ${route}`, {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: { "http.request.method": "GET", "http.route": route, "request.id": `soak-${this.options.service}-${n}`, "http.response.status_code": n % 50 === 0 ? 500 : 200 },
    });
    const ctx = trace.setSpan(context.active(), root);
    for (let i = 1; i < SPANS_PER_TRACE; i++) {
      const child = this.tracer.startSpan(i % 3 === 0 ? "SELECT projects" : `call step-${i}`, {
        kind: i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: t0 + i * 2,
        attributes: i % 3 === 0 ? { "db.system": "postgresql", "db.query.text": "SELECT id, name FROM projects WHERE id = $1" } : { "step.index": i },
      }, ctx);
      child.end(t0 + i * 2 + 3);
    }
    if (n % 50 === 0) root.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failed" });
    root.end(t0 + 40);
  }
}
