import "server-only";
import type { TenantScope } from "@/lib/auth/scope";
import { withTenantScope } from "@/db/scoped";
import { logger } from "@/lib/tracing";
import { writeOtlpExport } from "./otlp-export";
import type { TraceHeader } from "./trace-header";

/**
 * The export as a download, streamed from a database cursor: the transaction stays open while
 * the client reads, and a slow reader slows the cursor instead of filling memory.
 */
export function otlpExportResponse(scope: TenantScope, header: TraceHeader): Response {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  withTenantScope(scope, (tx) => writeOtlpExport(tx, header, (chunk) => writer.write(encoder.encode(chunk)))).then(
    () => writer.close(),
    (error: unknown) => {
      logger.error({ err: error, traceId: header.traceId }, "trace export failed");
      return writer.abort(error);
    },
  );
  return new Response(readable, {
    headers: {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="trace-${header.traceId}.otlp.json"`,
      "cache-control": "no-store",
    },
  });
}
