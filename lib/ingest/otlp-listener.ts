import type { IngestHandler } from "./handler";
import { serveHandler, type RunningServer } from "./node-server";

export const OTLP_TRACES_PATH = "/v1/traces";

/**
 * The OTLP/HTTP traces endpoint alone, as a Collector or SDK expects it on its own port (4318
 * by convention): POST /v1/traces goes to the ingest handler, any other method there is 405,
 * any other path 404. It skips Next's request pipeline, which costs ingest about a fifth of
 * its throughput (BENCHMARKS.md, Ingest).
 */
export function otlpRoutes(ingest: IngestHandler): IngestHandler {
  return async (request) => {
    if (new URL(request.url).pathname !== OTLP_TRACES_PATH) {
      return Response.json({ code: 5, message: `Not found: this port serves POST ${OTLP_TRACES_PATH} only.` }, { status: 404 });
    }
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
    return ingest(request);
  };
}

export function startOtlpListener(ingest: IngestHandler, port: number, host: string): Promise<RunningServer> {
  return serveHandler(otlpRoutes(ingest), port, host);
}
