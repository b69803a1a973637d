import { oidcConfigFrom } from "@/lib/auth/oidc-config";
import { sessionLifetimeSeconds } from "@/lib/auth/session-lifetime";
import { ingestConfigFromEnv, otlpListenerFromEnv } from "@/lib/ingest/otlp-http/config";
import { parseTrustedProxies } from "@/lib/security/client-address";
import { streamLimitsFromEnv } from "@/lib/traces/trace/stream-limits";
import { envProblems } from "@/lib/config/env";

/** The readers of settings the app only parses when a request or job first needs them. */
const readers: ((env: Record<string, string | undefined>) => unknown)[] = [
  (env) => parseTrustedProxies(env.TRUSTED_PROXIES),
  sessionLifetimeSeconds,
  streamLimitsFromEnv,
  ingestConfigFromEnv,
  otlpListenerFromEnv,
  oidcConfigFrom,
];

/**
 * Every setting the server reads, checked at once, so that the start script can stop with one
 * message naming each bad value before the server listens: read lazily, a short CRON_SECRET
 * used to start a server that printed "Ready" and answered 500 to every request.
 */
export function environmentProblems(env: Record<string, string | undefined>): string[] {
  const problems = envProblems(env);
  for (const read of readers) {
    try {
      read(env);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}
