import { checkHealth } from "@/lib/health/check";
import { withTracing } from "@trace-explorer/tracing/next";

export const dynamic = "force-dynamic";

export const GET = withTracing(
  async () => {
    const health = await checkHealth();
    return Response.json(health, {
      status: health.database.ready ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
  { route: "/api/health" },
);
