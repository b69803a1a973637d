import { handlers } from "@/lib/auth";
import { withTracing } from "@/lib/tracing";

export const GET = withTracing(handlers.GET, { route: "/api/auth/[...nextauth]" });
export const POST = withTracing(handlers.POST, { route: "/api/auth/[...nextauth]" });
