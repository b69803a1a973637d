// The explorer traces itself with its own ADR-012 library. Export stays off unless an OTLP
// endpoint is configured (tracingConfigFromEnv); /v1/traces is never traced.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { initTracing, tracingConfigFromEnv } = await import("@trace-explorer/tracing");
  await initTracing(tracingConfigFromEnv("trace-explorer"));
  const { otlpListenerFromEnv } = await import("@/lib/ingest/otlp-http/config");
  const otlp = otlpListenerFromEnv(process.env);
  if (otlp) {
    const { startAppOtlpListener } = await import("@/lib/ingest/app-otlp-listener");
    await startAppOtlpListener(otlp);
  }
  const { checkAppRuntimeRole } = await import("@/lib/security/app-runtime-role");
  void checkAppRuntimeRole();
  const { startAppAuditHeadPublisher } = await import("@/lib/audit/head-publisher");
  startAppAuditHeadPublisher();
  // The embedded default has no external scheduler: the start script asks for the in-process one.
  if (process.env.TE_SCHEDULER === "on") {
    const { startAppScheduler } = await import("@/lib/retention/app-scheduler");
    startAppScheduler();
  }
}
