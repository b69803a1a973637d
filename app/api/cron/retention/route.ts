import { getSql } from "@/lib/db/client";
import { env } from "@/lib/config/env";
import { CRON_ROUTE, handleCronRequest } from "@/lib/retention/cron";
import { withTracing } from "@trace-explorer/tracing/next";

export const dynamic = "force-dynamic";

const handler = withTracing(
  (req: Request) => {
    const { DATABASE_URL, CRON_SECRET } = env();
    return handleCronRequest(req, { db: { sql: getSql(), url: DATABASE_URL }, secret: CRON_SECRET });
  },
  { route: CRON_ROUTE },
);

// Every method reaches the handler, so the others get a clear 405 naming POST.
export { handler as POST, handler as GET, handler as PUT, handler as PATCH, handler as DELETE };
