import { initTracing, tracingConfigFromEnv } from "@trace-explorer/tracing";
import { logger } from "@trace-explorer/tracing/logger";
import { z } from "zod";
import { startOrdersService } from "./service";

// `npm start -w examples/orders-service`: the service on PORT, exporting its spans to
// TRACE_EXPORT_URL with TRACE_EXPORT_KEY (see README.md).

const env = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    // token=tenant pairs, comma-separated: the demo's stand-in for authentication.
    ORDERS_SESSIONS: z.string().default("demo-acme=acme,demo-globex=globex"),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`orders-service: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(1);
}

const sessions = Object.fromEntries(
  env.data.ORDERS_SESSIONS.split(",").map((pair) => {
    const [token, tenant] = pair.split("=");
    return [`Bearer ${token}`, tenant ?? ""];
  }),
);

const tracing = await initTracing(tracingConfigFromEnv("orders-service"));
const service = await startOrdersService({ databaseUrl: env.data.DATABASE_URL, port: env.data.PORT, host: "0.0.0.0", sessions });
logger.info({ url: service.url, export_url: process.env.TRACE_EXPORT_URL ?? null }, "orders-service listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void service
      .stop()
      .then(() => tracing.shutdown())
      .then(() => process.exit(0));
  });
}
