import type { Attributes, Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from "@opentelemetry/sdk-trace";
import type { Sql } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { defaultIngestConfig, type IngestConfig } from "../otlp-http/config";
import type { IngestHandlerOptions } from "../otlp-http/handler";
import type { IngestLog } from "../otlp-http/signal";
import { createIngestHandler } from "../signals";
import { createIngestKey } from "../otlp-http/keys";
import { serveHandler, type RunningServer } from "../otlp-http/node-server";

export interface IngestServer extends RunningServer {
  endpoint: string;
  logged: string[];
}

/** The ingest handler on a real HTTP port, writing to the test database. */
export async function startIngestServer(
  t: TestDatabase,
  options: Omit<IngestHandlerOptions, "sql" | "config"> & { config?: Partial<IngestConfig> } = {},
): Promise<IngestServer> {
  const logged: string[] = [];
  const log: IngestLog = {
    warn: (fields, message) => logged.push(`${message} ${JSON.stringify(fields)}`),
    error: (fields, message) => logged.push(`${message} ${JSON.stringify(fields)}`),
  };
  const handler = createIngestHandler({ sql: t.sql, log, ...options, config: { ...defaultIngestConfig, keyCacheMs: 0, ...options.config } });
  const server = await serveHandler(handler);
  return { ...server, endpoint: `${server.url}/v1/traces`, logged };
}

export interface IngestBed {
  t: TestDatabase;
  server: IngestServer;
  key: string;
}

/** A fresh database with one tenant, a key scoped to it, and the ingest handler on a real port. */
export async function openIngestBed(tenantId: string): Promise<IngestBed> {
  const t = await createTestDatabase();
  await seedTenant(t.sql, tenantId);
  const key = await keyFor(t, tenantId);
  return { t, server: await startIngestServer(t), key };
}

export async function closeIngestBed({ t, server }: Pick<IngestBed, "t" | "server">): Promise<void> {
  await server.close();
  await t.drop();
}

export async function seedTenant(sql: Sql, id: string, settings: { slowThresholdMs?: number; keepRatio?: number; keptRetentionDays?: number } = {}): Promise<void> {
  await sql`
    INSERT INTO tenants (id, name, slow_threshold_ms, keep_ratio, kept_retention_days)
    VALUES (${id}, ${`Tenant ${id}`}, ${settings.slowThresholdMs ?? 2000}, ${settings.keepRatio ?? 1}, ${settings.keptRetentionDays ?? 30})`;
}

export async function keyFor(t: TestDatabase, tenantId: string | null): Promise<string> {
  return (await createIngestKey(t.db, { tenantId })).key;
}

export type ExporterKind = "proto" | "json";
type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>["compression"]>;

export interface TestTracing {
  tracer: Tracer;
  provider: TracerProvider;
  /** Exports everything ended so far and waits for the server's answer. */
  flush: () => Promise<void>;
  shutdown: () => Promise<void>;
}

/** A real OpenTelemetry SDK exporting over OTLP/HTTP (protobuf or JSON) to `endpoint`. */
/** The instrumentation scope testTracing's tracer has, and its resource's schema URL. */
export const TEST_SCOPE = { name: "ingest-test", version: "1.0.0", schemaUrl: "https://opentelemetry.io/schemas/1.27.0" };
export const TEST_RESOURCE_SCHEMA_URL = "https://opentelemetry.io/schemas/1.26.0";

export function testTracing(options: {
  endpoint: string;
  key: string;
  kind: ExporterKind;
  resource?: Attributes;
  gzip?: boolean;
  /** Also receives every span, e.g. an InMemorySpanExporter to compare with what was stored. */
  alsoTo?: SpanExporter;
}): TestTracing {
  const config = {
    url: options.endpoint,
    headers: { authorization: `Bearer ${options.key}` },
    // The exporters' CompressionAlgorithm enum lives in a package this project does not depend on.
    compression: (options.gzip ? "gzip" : "none") as unknown as Compression,
  };
  const exporter = options.kind === "proto" ? new ProtoExporter(config) : new JsonExporter(config);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "checkout", ...options.resource }, { schemaUrl: TEST_RESOURCE_SCHEMA_URL }),
    spanProcessors: [exporter, ...(options.alsoTo ? [options.alsoTo] : [])].map((e) => new SimpleSpanProcessor({ exporter: e })),
  });
  return {
    tracer: provider.getTracer(TEST_SCOPE.name, TEST_SCOPE.version, { schemaUrl: TEST_SCOPE.schemaUrl }),
    provider,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Total rows of the tables ingest writes, to show that a refused request changed nothing. */
export async function storedCounts(sql: Sql): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    SELECT (SELECT count(*) FROM spans)::int AS spans, (SELECT count(*) FROM traces)::int AS traces,
           (SELECT count(*) FROM resources)::int AS resources, (SELECT count(*) FROM scopes)::int AS scopes,
           (SELECT count(*) FROM ingest_counters)::int AS counters,
           (SELECT count(*) FROM ingest_isolation_violations)::int AS violations,
           (SELECT count(*) FROM trace_sampling_pending)::int AS pending, (SELECT count(*) FROM log_records)::int AS logs`;
  return row!;
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** One raw OTLP/HTTP request, as an exporter (or anyone else) could send it. */
export async function postOtlp(
  endpoint: string,
  options: { body: Uint8Array | string; contentType?: string | null; key?: string | null; headers?: Record<string, string> },
): Promise<PostResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== null) headers["content-type"] = options.contentType ?? "application/x-protobuf";
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(endpoint, { method: "POST", headers, body: options.body as BodyInit });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * A span export whose body never finishes, holding an admission place of `endpoint`'s server
 * until released (the next request finds the places taken when the server has only one).
 */
export async function holdAdmission(endpoint: string, key: string): Promise<{ release: () => Promise<void> }> {
  const stalled = new AbortController();
  const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([0x0a])) });
  const holding = fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key}` },
    body,
    duplex: "half",
    signal: stalled.signal,
  } as RequestInit).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  return {
    release: async () => {
      stalled.abort();
      await holding;
    },
  };
}
