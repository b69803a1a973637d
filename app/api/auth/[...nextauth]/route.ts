import { handlers } from "@/lib/auth";
import { withTracing } from "@trace-explorer/tracing/next";

export const GET = withTracing(handlers.GET, { route: "/api/auth/[...nextauth]" });
export const POST = withTracing(handlers.POST, { route: "/api/auth/[...nextauth]" });
