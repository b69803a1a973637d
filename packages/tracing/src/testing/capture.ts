import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { createLogger, type Logger } from "../logger";
import { initTracing, type TracingConfig, type TracingHandle } from "../setup";

export interface LogLine {
  level: number;
  msg: string;
  trace_id: string | null;
  span_id: string | null;
  request_id: string | null;
  tenant_id: string | null;
  context?: string;
  [key: string]: unknown;
}

/** A logger whose JSON lines are kept in memory, parsed (and as written), for assertions. */
export function captureLogs(): { logger: Logger; lines: () => LogLine[]; raw: () => string[] } {
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void raw.push(line) } });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as LogLine), raw: () => [...raw] };
}

/** initTracing with an in-memory exporter that receives each kept span as its trace ends. */
export async function captureSpans(
  config: Partial<TracingConfig> = {},
): Promise<{ tracing: TracingHandle; exporter: InMemorySpanExporter; spans: () => ReadableSpan[] }> {
  const exporter = new InMemorySpanExporter();
  const tracing = await initTracing({ serviceName: "test", processor: "simple", ...config, exporter });
  return { tracing, exporter, spans: () => exporter.getFinishedSpans() };
}
