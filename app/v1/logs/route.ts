import { appIngestHandler } from "@/lib/ingest/app-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** OTLP/HTTP log export (https://opentelemetry.io/docs/specs/otlp/#otlphttp). */
export function POST(request: Request): Promise<Response> {
  return appIngestHandler()(request);
}

function methodNotAllowed(): Response {
  return new Response(null, { status: 405, headers: { allow: "POST" } });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE, methodNotAllowed as OPTIONS };
