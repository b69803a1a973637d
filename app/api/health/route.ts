import { checkHealth } from "@/lib/health/check";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.database.ready ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
