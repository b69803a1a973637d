import type { Attributes } from "@opentelemetry/api";
import type { Logger } from "@opentelemetry/api-logs";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { Sql } from "@/db/connect";
import { TEST_RESOURCE_SCHEMA_URL, TEST_SCOPE, type ExporterKind } from "./fixtures";

export interface TestLogging {
  logger: Logger;
  /** Exports every record emitted so far, in one request, and waits for the server's answer. */
  flush: () => Promise<void>;
  shutdown: () => Promise<void>;
}

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoLogExporter>[0]>["compression"]>;

/** A real OpenTelemetry Logs SDK exporting over OTLP/HTTP (protobuf or JSON) to `endpoint` (…/v1/logs). */
export function testLogging(options: { endpoint: string; key: string; kind: ExporterKind; resource?: Attributes; gzip?: boolean; alsoTo?: LogRecordExporter }): TestLogging {
  const config = {
    url: options.endpoint,
    headers: { authorization: `Bearer ${options.key}` },
    // The exporters' CompressionAlgorithm enum lives in a package this project does not depend on.
    compression: (options.gzip ? "gzip" : "none") as unknown as Compression,
  };
  const exporter = options.kind === "proto" ? new ProtoLogExporter(config) : new JsonLogExporter(config);
  // Batched, exported only when flushed: one request per flush.
  const batch = (e: LogRecordExporter) => new BatchLogRecordProcessor({ exporter: e, maxExportBatchSize: 512, maxQueueSize: 2048, scheduledDelayMillis: 60_000 });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "checkout", ...options.resource }, { schemaUrl: TEST_RESOURCE_SCHEMA_URL }),
    processors: [exporter, ...(options.alsoTo ? [options.alsoTo] : [])].map(batch),
  });
  return {
    logger: provider.getLogger(TEST_SCOPE.name, TEST_SCOPE.version, { schemaUrl: TEST_SCOPE.schemaUrl }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export interface LogRow {
  tenant_id: string;
  time_ns: string;
  record_id: string;
  observed_time_ns: string | null;
  severity_number: number;
  severity_text: string | null;
  body_type: string;
  body: unknown;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
  flags: number;
  event_name: string | null;
  dropped_attributes_count: number;
  resource: Record<string, unknown>;
  scope_name: string;
  scope_version: string;
}

/** Every stored log record, oldest first, with its time to the nanosecond and its resource and scope. */
export async function storedLogs(sql: Sql): Promise<LogRow[]> {
  return sql<LogRow[]>`
    SELECT l.tenant_id, ((extract(epoch FROM l.time) * 1000000)::bigint * 1000 + l.time_sub_us_ns)::text AS time_ns, l.record_id::text,
           l.observed_time_ns::text, l.severity_number, l.severity_text, l.body_type, l.body, l.attributes,
           replace(l.trace_id::text, '-', '') AS trace_id, l.span_id::text, l.flags, l.event_name, l.dropped_attributes_count,
           r.attributes AS resource, c.name AS scope_name, c.version AS scope_version
    FROM log_records l
    JOIN resources r ON r.tenant_id = l.tenant_id AND r.id = l.resource_id
    JOIN scopes c ON c.tenant_id = l.tenant_id AND c.id = l.scope_id
    ORDER BY l.time, l.record_id`;
}
