import { z } from "zod";
import { secretNameRules } from "@trace-explorer/tracing/redaction";
import { defaultLimits, type IngestLimits } from "./limits";
import { defaultRedactionRules, type RedactionRules, type ValueRule } from "./redact";

export interface IngestConfig {
  limits: IngestLimits;
  /**
   * Requests writing at once. Up to `maxQueued` more are admitted (their bodies read, then
   * waiting for a slot); beyond, 429. One source (a tenant, or a key not bound to one) has at
   * most `maxPerSource` admitted and gets slots fairly (lib/ingest/otlp-http/admission.ts).
   */
  maxConcurrent: number;
  maxQueued: number;
  maxPerSource: number;
  /** Bytes of request bodies held at once (all sources; one source at most half, at least one body). */
  maxBufferedBytes: number;
  /** A body that stalls this long, or takes this long in all, is refused with 408. */
  bodyIdleTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Retry-After for 429 (overloaded) and 503 (database unavailable), in seconds. */
  overloadedRetryAfterSeconds: number;
  unavailableRetryAfterSeconds: number;
  /** Spans may start this far ahead of the server's clock. */
  futureToleranceMs: number;
  lockTimeoutMs: number;
  keyCacheMs: number;
  keyTouchEveryMs: number;
  /** How soon ingested spans reach the latency rollup (lib/ingest/derivations/rollup-folder.ts). */
  rollupFoldIntervalMs: number;
  redaction: RedactionRules;
}

export const defaultIngestConfig: IngestConfig = {
  limits: defaultLimits,
  maxConcurrent: 4,
  maxQueued: 64,
  maxPerSource: 16,
  maxBufferedBytes: 128 * 1024 * 1024,
  bodyIdleTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  overloadedRetryAfterSeconds: 1,
  unavailableRetryAfterSeconds: 5,
  futureToleranceMs: 86_400_000,
  lockTimeoutMs: 5_000,
  keyCacheMs: 5_000,
  keyTouchEveryMs: 60_000,
  rollupFoldIntervalMs: 1_000,
  redaction: defaultRedactionRules,
};

const count = (max: number) => z.coerce.number().int().min(1).max(max).optional();

const extraPatterns = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON array" });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.object({
        name: z.string().regex(/^[a-z0-9_]{1,40}$/, "a rule name is 1 to 40 of a-z, 0-9 and _"),
        pattern: z.string().min(1),
        flags: z.string().regex(/^[imsu]*$/, "flags may be i, m, s and u").default(""),
      }),
    ),
  )
  .transform((rules, ctx): ValueRule[] =>
    rules.flatMap((r) => {
      try {
        return [{ name: r.name, pattern: new RegExp(r.pattern, `${r.flags}g`) }];
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `rule ${r.name}: ${(error as Error).message}` });
        return [];
      }
    }),
  );

const secretNames = z
  .string()
  .transform((text) => text.split(",").map((k) => k.trim()).filter(Boolean))
  .superRefine((entries, ctx) => {
    try {
      secretNameRules(entries);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

const envSchema = z.object({
  INGEST_MAX_BODY_BYTES: count(1024 * 1024 * 1024),
  INGEST_MAX_SPANS_PER_REQUEST: count(1_000_000),
  INGEST_ATTRIBUTE_COUNT_LIMIT: count(10_000),
  INGEST_ATTRIBUTE_VALUE_LENGTH_LIMIT: count(1024 * 1024),
  INGEST_EVENT_COUNT_LIMIT: count(10_000),
  INGEST_LINK_COUNT_LIMIT: count(10_000),
  INGEST_MAX_CONCURRENT: count(64),
  INGEST_MAX_QUEUED: z.coerce.number().int().min(0).max(10_000).optional(),
  INGEST_MAX_PER_SOURCE: count(10_000),
  INGEST_MAX_BUFFERED_BYTES: count(16 * 1024 * 1024 * 1024),
  INGEST_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  INGEST_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  INGEST_ROLLUP_FOLD_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).optional(),
  /** Extra secret names, comma-separated: words, phrases, `word$`, `*stem*`, `*suffix` ("member id, pin$"). */
  INGEST_REDACT_KEYS: secretNames.optional(),
  /** Extra value rules: [{"name": "employee_id", "pattern": "EMP-\\d{6}", "flags": "i"}]. */
  INGEST_REDACT_PATTERNS: extraPatterns.optional(),
});

/** One readable error naming every bad ingest variable. */
function parseSettings<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid ingest settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** The ingest settings from the environment over the defaults; one readable error for bad values. */
export function ingestConfigFromEnv(env: Record<string, string | undefined>): IngestConfig {
  const e = parseSettings(envSchema, env);
  const d = defaultIngestConfig;
  return {
    ...d,
    limits: {
      maxBodyBytes: e.INGEST_MAX_BODY_BYTES ?? d.limits.maxBodyBytes,
      maxSpansPerRequest: e.INGEST_MAX_SPANS_PER_REQUEST ?? d.limits.maxSpansPerRequest,
      span: {
        ...d.limits.span,
        attributeCount: e.INGEST_ATTRIBUTE_COUNT_LIMIT ?? d.limits.span.attributeCount,
        attributeValueLength: e.INGEST_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? d.limits.span.attributeValueLength,
        eventCount: e.INGEST_EVENT_COUNT_LIMIT ?? d.limits.span.eventCount,
        linkCount: e.INGEST_LINK_COUNT_LIMIT ?? d.limits.span.linkCount,
      },
    },
    maxConcurrent: e.INGEST_MAX_CONCURRENT ?? d.maxConcurrent,
    maxQueued: e.INGEST_MAX_QUEUED ?? d.maxQueued,
    maxPerSource: e.INGEST_MAX_PER_SOURCE ?? d.maxPerSource,
    maxBufferedBytes: e.INGEST_MAX_BUFFERED_BYTES ?? d.maxBufferedBytes,
    bodyIdleTimeoutMs: e.INGEST_BODY_IDLE_TIMEOUT_MS ?? d.bodyIdleTimeoutMs,
    bodyTimeoutMs: e.INGEST_BODY_TIMEOUT_MS ?? d.bodyTimeoutMs,
    rollupFoldIntervalMs: e.INGEST_ROLLUP_FOLD_INTERVAL_MS ?? d.rollupFoldIntervalMs,
    redaction: {
      sensitiveKeys: [...d.redaction.sensitiveKeys, ...(e.INGEST_REDACT_KEYS ?? [])],
      valueRules: [...d.redaction.valueRules, ...(e.INGEST_REDACT_PATTERNS ?? [])],
    },
  };
}

const listenerSchema = z.object({
  INGEST_OTLP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  INGEST_OTLP_HOST: z.string().min(1).default("0.0.0.0"),
});

export interface OtlpListenerConfig {
  port: number;
  host: string;
}

/** The OTLP port (lib/ingest/app-otlp-listener.ts) when INGEST_OTLP_PORT asks for one. */
export function otlpListenerFromEnv(env: Record<string, string | undefined>): OtlpListenerConfig | undefined {
  const { INGEST_OTLP_PORT: port, INGEST_OTLP_HOST: host } = parseSettings(listenerSchema, env);
  return port === undefined ? undefined : { port, host };
}
