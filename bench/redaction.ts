import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT_CONTEXT, SpanKind } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { decodeProtobuf } from "../lib/ingest/traces/decode-protobuf";
import { defaultLimits } from "../lib/ingest/otlp-http/limits";
import { normalizeRequest, type NormalizedEntry } from "../lib/ingest/traces/normalize";
import type { AnyValue, KeyValue } from "../lib/ingest/otlp-http/common";
import type { OtlpRequest, OtlpSpan } from "../lib/ingest/traces/otlp";
import { defaultRedactionRules, Redactor, type RedactionCounts } from "../lib/ingest/otlp-http/redact";
import { encodeRequest, syntheticRequest } from "../lib/ingest/testing/synthetic";
import { SanitizingExporter } from "@trace-explorer/tracing";
import { defaultRuleSet } from "@trace-explorer/tracing/redaction";
import { benignCorpus, leakCorpus, leakNeedles, recordBenign, recordLeak, resourceOf, type LeakCase } from "@trace-explorer/tracing/redaction/corpus";
import { percentile } from "./lib/percentile";

// Redaction: how much of the shared corpus (@trace-explorer/tracing/redaction/corpus) each engine catches and
// spares, what it costs per span, and whether any input makes a rule take more than linear time.
//
// 1. Corpus: leaks found / total and benign values altered / total, for ingest's redactor
//    (normalizeRequest on the decoded OTLP form of each case) and the tracing library's
//    sanitizing exporter (each case as a real SDK span), today's rules and the baseline's.
// 2. Cost per span on the ingest bench's span mix (lib/ingest/testing/synthetic.ts, decoded
//    once): normalizeRequest with no redaction, with the baseline's redactor and with today's,
//    alternated over rounds on one long-lived redactor each (so its caches are as warm as in a
//    server); CPU time, median of the rounds. The same for the sanitizer on server spans.
// 3. Pathological inputs (long runs built to make a backtracking rule go quadratic), each at
//    two sizes: the time must stay under the bound, and four times the input must take about
//    four times as long (quadratic would be sixteen; above eight counts as not linear).
//
// The baseline is the redaction code at REDACTION_BENCH_BASELINE (a git revision, by default
// the commit before the shared rule set), copied out with `git show` and run in this process.
//
// Usage: npm run bench -- redaction   (ROUNDS, REDACTION_BENCH_BASELINE override the defaults)

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const BASELINE = process.env.REDACTION_BENCH_BASELINE ?? "1a6f927a7c3494e6a3e4d168b9e5b1031d64ec1c";
const PATHOLOGICAL_KB = 100;
/** Per 100 KB of pathological input; a linear scan of that takes a few milliseconds. */
const PATHOLOGICAL_BOUND_MS = 100;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[bench/redaction] ${line}`);

// --- the baseline, copied out of git --------------------------------------------------------
interface RedactorLike {
  isSensitiveKey(key: string): boolean;
  text(value: string, counts: RedactionCounts): string;
  number(value: number | string, counts: RedactionCounts): number | string;
  sensitiveValue(counts: RedactionCounts): string;
}
interface Baseline {
  redactor: Redactor;
  sanitizer: { sanitize(span: ReadableSpan): ReadableSpan };
}

const BASELINE_FILES = ["lib/ingest/redact.ts", "lib/redaction/shared.ts", "lib/tracing/sanitize.ts", "lib/tracing/sanitizing-exporter.ts"];

async function loadBaseline(): Promise<Baseline | undefined> {
  const dir = path.join(root, ".data", "bench-redaction-baseline");
  try {
    for (const file of BASELINE_FILES) {
      const text = execFileSync("git", ["show", `${BASELINE}:${file}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  } catch {
    log(`baseline ${BASELINE} not readable from git: comparing with no redaction only`);
    return undefined;
  }
  const redact = (await import(path.join(dir, "lib/ingest/redact.ts"))) as { Redactor: new (rules: unknown) => RedactorLike; defaultRedactionRules: unknown };
  const exporter = (await import(path.join(dir, "lib/tracing/sanitizing-exporter.ts"))) as { SanitizingExporter: new (next: InMemorySpanExporter) => Baseline["sanitizer"] };
  const old = new redact.Redactor(redact.defaultRedactionRules);
  // The baseline never looked into bytes values: they were stored as they came.
  const redactor = Object.assign(Object.create(old) as RedactorLike, { bytes: () => undefined }) as unknown as Redactor;
  return { redactor, sanitizer: new exporter.SanitizingExporter(new InMemorySpanExporter()) };
}

// --- 1. the corpus ---------------------------------------------------------------------------
function anyValue(value: unknown, as: LeakCase["in"]): AnyValue {
  if (typeof value === "string") return as === "bytes" ? { bytesValue: new TextEncoder().encode(value) } : { stringValue: value };
  if (typeof value === "number") return as === "double" || !Number.isInteger(value) ? { doubleValue: value } : { intValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => anyValue(v, as)) } };
  return { kvlistValue: { values: Object.entries(value as object).map(([key, v]) => ({ key, value: anyValue(v, as) })) } };
}

const HEX_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const HEX_SPAN = "00f067aa0ba902b7";

/** One case as the decoders hand a request to normalisation. */
function leakRequest(leak: LeakCase): OtlpRequest {
  const attributes: KeyValue[] = [];
  if (leak.in === "key") attributes.push({ key: leak.value, value: { intValue: 1 } });
  else if (leak.in === "attribute" || leak.in === "int" || leak.in === "double" || leak.in === "bytes" || leak.in === "array" || leak.in === "kvlist") {
    attributes.push({ key: leak.key, value: anyValue(leak.value, leak.in) });
  }
  const span: OtlpSpan = {
    traceId: HEX_TRACE,
    spanId: HEX_SPAN,
    parentSpanId: "",
    name: leak.in === "span_name" ? leak.value : "operation",
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_001_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events:
      leak.in === "event_name" || leak.in === "event_attribute"
        ? [{ timeUnixNano: 1_700_000_000_000_500_000n, name: leak.in === "event_name" ? leak.value : "exception", attributes: leak.in === "event_attribute" ? [{ key: leak.key, value: { stringValue: leak.value } }] : [], droppedAttributesCount: 0 }]
        : [],
    droppedEventsCount: 0,
    links: leak.in === "link_attribute" ? [{ traceId: HEX_TRACE, spanId: "00f067aa0ba902b8", attributes: [{ key: leak.key, value: { stringValue: leak.value } }], droppedAttributesCount: 0 }] : [],
    droppedLinksCount: 0,
    statusCode: leak.in === "status" ? 2 : 0,
    statusMessage: leak.in === "status" ? leak.value : "",
  };
  const resource: KeyValue[] = [{ key: "service.name", value: { stringValue: "corpus" } }];
  if (leak.in === "resource") resource.push({ key: leak.key, value: { stringValue: leak.value } });
  return { resourceSpans: [{ resource, spans: [span] }] };
}

function storedText(entries: NormalizedEntry[]): string {
  return JSON.stringify(
    entries.map((e) => e.span && { name: e.span.name, status: e.span.statusMessage, attributes: e.span.attributes, events: e.span.events, links: e.span.links, resource: e.span.resource.attributes }),
  );
}

interface CorpusScore {
  leaksFound: number;
  benignAltered: number;
  missed: string[];
}

function ingestScore(redactor: Redactor): CorpusScore {
  const missed = leakCorpus.filter((leak) => {
    const text = storedText(normalizeRequest(leakRequest(leak), redactor, defaultLimits.span));
    return leakNeedles(leak).some((needle) => text.includes(needle));
  });
  const benignAltered = benignCorpus.filter((benign) => {
    const request = leakRequest({ name: benign.name, in: "attribute", key: benign.key, value: "", secret: "none" });
    (request.resourceSpans[0]!.spans[0] as OtlpSpan).attributes = [{ key: benign.key, value: anyValue(benign.value, "attribute") }];
    const [entry] = normalizeRequest(request, redactor, defaultLimits.span);
    return entry?.span?.attributes[benign.key] !== benign.value;
  }).length;
  return { leaksFound: leakCorpus.length - missed.length, benignAltered, missed: missed.map((l) => l.name) };
}

function spansOf(record: (provider: TracerProvider) => void, resource: Record<string, string> = {}): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ "service.name": "corpus", ...resource }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  record(provider);
  return exporter.getFinishedSpans();
}

function exportedText(span: ReadableSpan): string {
  return JSON.stringify(
    { name: span.name, attributes: span.attributes, events: span.events, links: span.links.map((l) => l.attributes), status: span.status, resource: span.resource.attributes },
    (_k, v: unknown) => (v instanceof Uint8Array ? `${Buffer.from(v).toString("base64")} ${Buffer.from(v).toString("utf8")}` : v),
  );
}

function sanitizerScore(sanitizer: Baseline["sanitizer"]): CorpusScore {
  const missed = leakCorpus.filter((leak) => {
    const spans = spansOf((provider) => {
      const tracer = provider.getTracer("corpus");
      const upstream = tracer.startSpan("upstream", {}, ROOT_CONTEXT);
      recordLeak(tracer, leak, ROOT_CONTEXT, upstream.spanContext());
      if (leak.in === "resource") tracer.startSpan("operation", {}, ROOT_CONTEXT).end();
    }, resourceOf([leak]) as Record<string, string>);
    const text = exportedText(sanitizer.sanitize(spans[0]!));
    return leakNeedles(leak).some((needle) => text.includes(needle));
  });
  const spans = spansOf((provider) => {
    for (const benign of benignCorpus) recordBenign(provider.getTracer("corpus"), benign, ROOT_CONTEXT);
  });
  const benignAltered = spans.filter((span, i) => sanitizer.sanitize(span).attributes[benignCorpus[i]!.key] !== benignCorpus[i]!.value).length;
  return { leaksFound: leakCorpus.length - missed.length, benignAltered, missed: missed.map((l) => l.name) };
}

function reportScore(label: string, score: CorpusScore): void {
  log(`${label}: leaks found ${score.leaksFound}/${leakCorpus.length}, benign altered ${score.benignAltered}/${benignCorpus.length}`);
  if (score.missed.length > 0 && score.missed.length <= 12) log(`  missed: ${score.missed.join("; ")}`);
}

// --- 2. cost per span ------------------------------------------------------------------------
/** A redactor that changes nothing: normalisation's own cost. */
const noRedaction = {
  isSensitiveKey: () => false,
  text: (value: string) => value,
  number: (value: number | string) => value,
  bytes: () => undefined,
  sensitiveValue: () => "",
} as unknown as Redactor;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function timeRounds(variants: Record<string, () => number>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = cpuMicros();
      const spans = run();
      // The first round warms the JIT and the caches.
      if (round > 0) samples[name]!.push((cpuMicros() - start) / spans);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, percentile(v, 50)]));
}

function ingestCost(baseline: Baseline | undefined): void {
  const requests = Array.from({ length: 40 }, (_, i) =>
    decodeProtobuf(encodeRequest(syntheticRequest({ spans: 512, tenants: ["acme", "globex", "initech"], spansPerTrace: 16, startMs: Date.now() - 60_000 + i }))),
  );
  const spansPerRun = requests.length * 512;
  const run = (redactor: Redactor) => () => {
    for (const request of requests) normalizeRequest(request, redactor, defaultLimits.span);
    return spansPerRun;
  };
  const variants: Record<string, () => number> = { none: run(noRedaction), today: run(new Redactor(defaultRedactionRules)) };
  if (baseline) variants.baseline = run(baseline.redactor);
  const us = timeRounds(variants);
  const redaction = (name: string) => us[name]! - us.none!;
  log(`ingest normalise, µs/span (CPU, median of ${ROUNDS}): no redaction ${us.none!.toFixed(2)}, today ${us.today!.toFixed(2)}${baseline ? `, baseline ${us.baseline!.toFixed(2)}` : ""}`);
  log(
    `  redaction alone: today ${redaction("today").toFixed(2)} µs/span${baseline ? `, baseline ${redaction("baseline").toFixed(2)} µs/span = ${(redaction("today") / redaction("baseline")).toFixed(2)}× the baseline; normalise total ${(us.today! / us.baseline!).toFixed(2)}×` : ""}`,
  );
}

function serverSpans(): ReadableSpan[] {
  return spansOf((provider) => {
    const tracer = provider.getTracer("bench");
    for (let i = 0; i < 2000; i++) {
      const route = ["/api/projects/:id", "/api/invoices", "/api/search"][i % 3]!;
      const span = tracer.startSpan(
        `GET ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            "http.request.method": "GET",
            "http.route": route,
            "url.path": route.replace(":id", String(1000 + (i % 977))),
            "url.query": `page=${i % 7}&limit=50`,
            "http.response.status_code": 200,
            "server.address": "web-api.platform.svc.cluster.local",
            "user_agent.original": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
            "request.id": `req-${(i * 2654435761).toString(16).padStart(16, "0")}`,
            "tenant.id": "acme",
            ...(i % 3 === 0 ? { "db.query.text": "SELECT id, name FROM projects WHERE tenant_id = $1 AND id = $2" } : {}),
          },
        },
        ROOT_CONTEXT,
      );
      if (i % 5 === 0) span.addEvent("cache.miss", { "cache.key": `project:${i}` });
      span.end();
    }
  });
}

function sanitizerCost(baseline: Baseline | undefined): void {
  const spans = serverSpans();
  const today = new SanitizingExporter(new InMemorySpanExporter());
  const run = (sanitizer: Baseline["sanitizer"]) => () => {
    for (const span of spans) sanitizer.sanitize(span);
    return spans.length;
  };
  const variants: Record<string, () => number> = { today: run(today) };
  if (baseline) variants.baseline = run(baseline.sanitizer);
  const us = timeRounds(variants);
  log(`tracing sanitizer, µs/span (CPU, median of ${ROUNDS}): today ${us.today!.toFixed(2)}${baseline ? `, baseline ${us.baseline!.toFixed(2)} (${(us.today! / us.baseline!).toFixed(2)}×)` : ""}`);
}

// --- 3. pathological inputs ------------------------------------------------------------------
const PATHOLOGICAL: Record<string, (kb: number) => string> = {
  "letters then @": (kb) => `${"a".repeat(kb * 1024)} @`,
  "dotted labels, no TLD": (kb) => `x@${"a.".repeat(kb * 512)}1`,
  "local-part chars, no @": (kb) => `${"a.b+".repeat(kb * 256)} x@y`,
  "digits with separators": (kb) => "4 ".repeat(kb * 512),
  "digit run": (kb) => "4".repeat(kb * 1024),
  "scheme chars, no ://": (kb) => `${"a+".repeat(kb * 512)} http://x`,
  "user-info, no @": (kb) => `http://${":a".repeat(kb * 512)}`,
  "BEGIN without END": (kb) => "-----BEGIN X-----".repeat(Math.ceil((kb * 1024) / 17)),
  "eyJ without dots": (kb) => `eyJ${"a".repeat(kb * 1024)}`,
  "eyJ repeated": (kb) => "eyJaaaaa.".repeat(Math.ceil((kb * 1024) / 9)),
  "base64 run": (kb) => `ZXlK${"A".repeat(kb * 1024)}`,
  "bearer without credential": (kb) => "Bearer ".repeat(Math.ceil((kb * 1024) / 7)),
  "secret names without values": (kb) => "password ".repeat(Math.ceil((kb * 1024) / 9)),
  "secret name in a long name": (kb) => `${"a_".repeat(kb * 512)}password=x1`,
  "name = quote, no close": (kb) => `password="${"a".repeat(kb * 1024)}`,
  "key= repeated": (kb) => "?key=".repeat(Math.ceil((kb * 1024) / 5)),
  "cookie headers on one line": (kb) => "Cookie: x ".repeat(Math.ceil((kb * 1024) / 10)),
  "escaped quotes, no close": (kb) => `password="${'\\"'.repeat(kb * 512)}`,
  "quoted names, empty values": (kb) => '"token":"",'.repeat(Math.ceil((kb * 1024) / 11)),
  "IBAN-like groups": (kb) => "DE89 3704 ".repeat(Math.ceil((kb * 1024) / 10)),
  "phone-like groups": (kb) => "+1 (415) ".repeat(Math.ceil((kb * 1024) / 9)),
  "percent escapes": (kb) => "%41%".repeat(kb * 256),
  "invisible characters": (kb) => "a\u200b".repeat(kb * 512) + "@b.co",
  "unicode letters then @": (kb) => `${"ü".repeat(kb * 1024)} @`,
};

function pathological(): boolean {
  const rules = defaultRuleSet();
  let ok = true;
  let worst = { name: "", ms: 0 };
  for (const [name, make] of Object.entries(PATHOLOGICAL)) {
    // The fastest of three: on a shared machine a single run also counts other processes.
    const time = (kb: number) => {
      const input = make(kb);
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        rules.text(input, {});
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(4); // compiles the rules' code paths
    const small = time(PATHOLOGICAL_KB);
    const large = time(PATHOLOGICAL_KB * 4);
    // The ratio only means something above the timer's and the machine's noise.
    const bad = small > PATHOLOGICAL_BOUND_MS || large > 4 * PATHOLOGICAL_BOUND_MS || (small > 5 && large / small > 8);
    if (bad) {
      ok = false;
      log(`  SLOW ${name}: ${small.toFixed(1)} ms at ${PATHOLOGICAL_KB} KB, ${large.toFixed(1)} ms at ${PATHOLOGICAL_KB * 4} KB`);
    }
    if (small > worst.ms) worst = { name, ms: small };
  }
  log(`pathological inputs: ${Object.keys(PATHOLOGICAL).length} shapes at ${PATHOLOGICAL_KB} and ${PATHOLOGICAL_KB * 4} KB, ${ok ? "all" : "NOT all"} within ${PATHOLOGICAL_BOUND_MS} ms per ${PATHOLOGICAL_KB} KB and linear; slowest "${worst.name}" ${worst.ms.toFixed(1)} ms`);
  return ok;
}

async function main(): Promise<void> {
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  log(`corpus: ${leakCorpus.length} leaks, ${benignCorpus.length} benign values; baseline ${BASELINE.slice(0, 7)}`);
  const baseline = await loadBaseline();
  reportScore("ingest redactor, today", ingestScore(new Redactor(defaultRedactionRules)));
  if (baseline) reportScore("ingest redactor, baseline", ingestScore(baseline.redactor));
  reportScore("tracing sanitizer, today", sanitizerScore(new SanitizingExporter(new InMemorySpanExporter())));
  if (baseline) reportScore("tracing sanitizer, baseline", sanitizerScore(baseline.sanitizer));
  ingestCost(baseline);
  sanitizerCost(baseline);
  if (!pathological()) process.exitCode = 1;
  log(`load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
}

await main();
