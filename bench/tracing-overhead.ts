import { randomUUID } from "node:crypto";
import os from "node:os";
import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
} from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import pino from "pino";
import { closeRequestScope, initTracing, openRequestScope, type IncomingRequestInfo } from "@trace-explorer/tracing";
import { createLogger } from "@trace-explorer/tracing/logger";

// Cost per request of the tracing library (packages/tracing) against the same handler on the plain OpenTelemetry SDK, in
// one process and one run. Both sides: extract an upstream traceparent, start a server span,
// run the handler in its context, write one pino JSON line carrying the trace and span ids
// (added by hand on the plain side), end the span, and export it through a BatchSpanProcessor
// to an exporter that discards it. The library side also makes the request id, binds it to
// the context, prepares the response headers, stamps request/tenant ids on the span, buffers
// and decides tail sampling, and sanitizes the span before export.
//
// Two informational runs: the same request made low-priority, so the library buffers its span
// for the tail decision instead of passing it through (ratio 1: every trace is still kept and
// exported); and the plain SDK doing by hand what ADR-012 asks beyond trace ids (a request id
// in the context, request_id and tenant_id on the log line, x-request-id and traceparent
// response headers), to show how much of the difference is that data rather than the library.
//
// Each run is timed on two clocks, elapsed and the process's CPU time; on a shared machine
// the elapsed time also counts the time other processes hold the core, so the CPU figures
// are the steadier comparison. Ratios are taken within each round, then the median is shown.
//
// Usage: npm run bench -- tracing-overhead   (ITERATIONS and ROUNDS override the defaults)

const ITERATIONS = Number(process.env.ITERATIONS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const WARMUP = 50_000;
const YIELD_EVERY = 1000;

class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const nowhere = { write: () => {} };
const headers: Record<string, string> = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  accept: "application/json",
};
const request: IncomingRequestInfo = {
  method: "GET",
  route: "/api/items/[id]",
  path: "/api/items/42",
  header: (name) => headers[name],
};

// --- plain OpenTelemetry SDK -------------------------------------------------------------
const plainExporter = new DiscardingExporter();
const plainProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: plainExporter })] });
const plainTracer = plainProvider.getTracer("bench");
const propagator = new W3CTraceContextPropagator();
const plainLog = pino({ level: "info" }, nowhere);

async function plainRequest(): Promise<void> {
  const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const span = plainTracer.startSpan(
    `${request.method} ${request.route}`,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "http.route": request.route, "url.path": request.path } },
    parent,
  );
  await context.with(trace.setSpan(parent, span), async () => {
    const ids = span.spanContext();
    plainLog.info({ trace_id: ids.traceId, span_id: ids.spanId }, "item served");
  });
  span.setAttribute("http.response.status_code", 200);
  span.end();
}

const requestIdKey = createContextKey("bench.request_id");

async function handRolledRequest(): Promise<void> {
  const extracted = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const requestId = randomUUID();
  const parent = extracted.setValue(requestIdKey, requestId);
  const span = plainTracer.startSpan(
    `${request.method} ${request.route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": request.method, "http.route": request.route, "url.path": request.path, "request.id": requestId },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  const responseHeaders: Record<string, string> = { "x-request-id": requestId };
  propagator.inject(ctx, responseHeaders, defaultTextMapSetter);
  await context.with(ctx, async () => {
    const ids = span.spanContext();
    plainLog.info({ trace_id: ids.traceId, span_id: ids.spanId, request_id: context.active().getValue(requestIdKey), tenant_id: null }, "item served");
  });
  span.setAttribute("http.response.status_code", 200);
  span.end();
}

// --- lib/tracing ---------------------------------------------------------------------------
const libExporter = new DiscardingExporter();
const libLog = createLogger({ destination: nowhere });

async function libraryRequest(): Promise<void> {
  const scope = openRequestScope(request);
  await context.with(scope.context, async () => {
    libLog.info("item served");
  });
  closeRequestScope(scope, 200);
}

async function lowPriorityRequest(): Promise<void> {
  const scope = openRequestScope(request, { priority: "low" });
  await context.with(scope.context, async () => {
    libLog.info("item served");
  });
  closeRequestScope(scope, 200);
}

interface Timing {
  /** Elapsed time per request. */
  wall: number;
  /** CPU time of the process per request (user + system, GC threads included). */
  cpu: number;
}

// Both clocks: elapsed time is what a request waits, but on a shared machine it also counts
// the time other processes hold the core; CPU time counts only this process's work.
async function timeRun(run: () => Promise<void>, n: number): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await run();
    if (i % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  }
  const wall = Number(process.hrtime.bigint() - start) / 1000 / n;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / n };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const CLOCKS = ["wall", "cpu"] as const;

async function main(): Promise<void> {
  // Registers the AsyncLocalStorage context manager both sides use, and the library's pipeline.
  const tracing = await initTracing({ serviceName: "bench", exporter: libExporter, sampling: { lowPriorityRatio: 1 } });
  const runs = [
    { name: "plain OpenTelemetry SDK", run: plainRequest, times: [] as Timing[] },
    { name: "lib/tracing", run: libraryRequest, times: [] as Timing[] },
    { name: "lib/tracing, low priority", run: lowPriorityRequest, times: [] as Timing[] },
    { name: "plain SDK + ADR-012 ids by hand", run: handRolledRequest, times: [] as Timing[] },
  ];
  for (const { run } of runs) await timeRun(run, WARMUP);

  const ratios = { wall: [] as number[], cpu: [] as number[] };
  const handRatios = { wall: [] as number[], cpu: [] as number[] };
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate the order so no run always follows the same one; compare within each round, as
    // the machine's background load drifts between rounds.
    for (let i = 0; i < runs.length; i++) {
      const entry = runs[(round + i) % runs.length]!;
      entry.times.push(await timeRun(entry.run, ITERATIONS));
    }
    const [plain, lib, , hand] = runs.map((r) => r.times.at(-1)!);
    for (const clock of CLOCKS) {
      ratios[clock].push(lib![clock] / plain![clock]);
      handRatios[clock].push(lib![clock] / hand![clock]);
    }
    const line = runs.map((r) => `${r.name} ${r.times.at(-1)!.wall.toFixed(2)}/${r.times.at(-1)!.cpu.toFixed(2)}`);
    console.log(`round ${round} (µs elapsed/CPU): ${line.join(", ")}`);
  }
  await plainProvider.forceFlush();
  await tracing.forceFlush();

  const total = WARMUP + ROUNDS * ITERATIONS;
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
  console.log(`iterations: ${ITERATIONS} per run × ${ROUNDS} rounds after ${WARMUP} warm-up each; medians`);
  console.log(`spans exported: plain SDK ${plainExporter.exported}/${2 * total}, lib/tracing ${libExporter.exported}/${2 * total}`);
  console.log(`${"µs per request".padEnd(32)} ${"elapsed".padStart(8)} ${"CPU".padStart(8)}`);
  for (const r of runs) {
    const cells = CLOCKS.map((clock) => median(r.times.map((t) => t[clock])).toFixed(2).padStart(8));
    console.log(`${r.name.padEnd(32)} ${cells.join(" ")}`);
  }
  const ratioCells = (values: typeof ratios) => CLOCKS.map((clock) => `${median(values[clock]).toFixed(2)}×`.padStart(8)).join(" ");
  // Medians of the per-round ratios: each ratio compares runs made minutes apart at most.
  console.log(`${"lib/tracing ÷ plain SDK".padEnd(32)} ${ratioCells(ratios)}   (target ≤ 1.20×, < 20 µs)`);
  console.log(`${"lib/tracing ÷ ids by hand".padEnd(32)} ${ratioCells(handRatios)}`);

  await plainProvider.shutdown();
  await tracing.shutdown();
  if (plainExporter.exported !== 2 * total || libExporter.exported !== 2 * total) {
    console.error("not every span reached the exporter: the comparison would not be fair");
    process.exit(1);
  }
}

await main();
