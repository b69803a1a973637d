import type { Context } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPLogExporter as OTLPJsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as OTLPProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import type { Resource } from "@opentelemetry/resources";
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
  type ReadableLogRecord,
  type SdkLogRecord,
} from "@opentelemetry/sdk-logs";
import type { LogShipper } from "./log-export";
import { SanitizingLogExporter } from "./sanitizing-log-exporter";
import { INSTRUMENTATION_NAME } from "./tracer";

export type LogExportProtocol = "http/protobuf" | "http/json";

export interface LogExportConfig {
  /** OTLP/HTTP logs endpoint, e.g. http://localhost:3000/v1/logs. */
  exportUrl?: string;
  /** "http/protobuf" (default) or "http/json". */
  protocol?: LogExportProtocol;
  /** An exporter to use instead of OTLP (tests). */
  exporter?: LogRecordExporter;
  /** Records waiting or in flight at most; a record past it is dropped and counted (default 2048). */
  maxQueueSize?: number;
  /** How long a record waits for others to share its export (default 1000 ms). */
  scheduledDelayMs?: number;
  /** An export that takes longer fails, and its records are counted as failed (default 10 000 ms). */
  exportTimeoutMs?: number;
}

export interface LogExportStats {
  /** Handed to the exporter and accepted by the collector. */
  exported: number;
  /** Handed to the exporter and refused, timed out or unsent (collector down). */
  failed: number;
  /** Never queued: the queue was full (collector slow or down). */
  dropped: number;
  /** Waiting or in flight now. */
  pending: number;
}

/** Counts what became of each record handed to the exporter, and frees its place in the queue. */
class CountingExporter implements LogRecordExporter {
  constructor(
    private readonly next: LogRecordExporter,
    private readonly stats: LogExportStats,
  ) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.next.export(records, (result) => {
      this.stats.pending -= records.length;
      if (result.code === ExportResultCode.SUCCESS) this.stats.exported += records.length;
      else this.stats.failed += records.length;
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/**
 * Bounds what the batch processor holds, in flight included, and counts what it turns away
 * (the SDK's own queue drops silently). The logger asks before it builds a record, so a line
 * turned away costs nothing more.
 */
class BoundedQueue implements LogRecordProcessor {
  constructor(
    private readonly next: LogRecordProcessor,
    private readonly maxQueueSize: number,
    private readonly stats: LogExportStats,
  ) {}

  accept(): boolean {
    if (this.stats.pending < this.maxQueueSize) return true;
    this.stats.dropped++;
    return false;
  }

  // Only the library's own logger emits here, and it asked accept() first.
  onEmit(record: SdkLogRecord, ctx?: Context): void {
    this.stats.pending++;
    this.next.onEmit(record, ctx);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

function otlpExporter(config: LogExportConfig, headers: Record<string, string> | undefined, timeoutMillis: number): LogRecordExporter | undefined {
  if (!config.exportUrl) return undefined;
  const options = { url: config.exportUrl, headers, timeoutMillis };
  return config.protocol === "http/json" ? new OTLPJsonLogExporter(options) : new OTLPProtoLogExporter(options);
}

/**
 * The log pipeline: records are queued (bounded, drops counted), batched, sanitized and
 * exported over OTLP/HTTP in the background. Undefined when no exporter is configured.
 */
export function createLogPipeline(
  config: LogExportConfig,
  resource: Resource,
  headers: Record<string, string> | undefined,
): { provider: LoggerProvider; shipper: LogShipper; stats: () => LogExportStats } | undefined {
  const exportTimeoutMs = config.exportTimeoutMs ?? 10_000;
  const exporter = config.exporter ?? otlpExporter(config, headers, exportTimeoutMs);
  if (!exporter) return undefined;
  const stats: LogExportStats = { exported: 0, failed: 0, dropped: 0, pending: 0 };
  const maxQueueSize = config.maxQueueSize ?? 2048;
  const batch = new BatchLogRecordProcessor({
    exporter: new CountingExporter(new SanitizingLogExporter(exporter), stats),
    maxQueueSize,
    maxExportBatchSize: Math.min(512, maxQueueSize),
    scheduledDelayMillis: config.scheduledDelayMs ?? 1000,
    // The exporter's own timeout answers first, so every batch's outcome is counted.
    exportTimeoutMillis: exportTimeoutMs + 1000,
  });
  const queue = new BoundedQueue(batch, maxQueueSize, stats);
  const provider = new LoggerProvider({ resource, processors: [queue] });
  return {
    provider,
    shipper: { logger: provider.getLogger(INSTRUMENTATION_NAME), accept: () => queue.accept() },
    stats: () => ({ ...stats }),
  };
}
