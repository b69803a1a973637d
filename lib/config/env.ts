import { z } from "zod";
import { describeIssue } from "@/lib/validation/issues";

const schema = z.object({
  /** The schema's owner: migrations and the retention purge's own session. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "DATABASE_URL must be a postgres:// URL" }),
  /** The runtime role (te_app) every pool of the app uses; unset: the owner, with a warning. */
  DATABASE_APP_URL: z.url({ protocol: /^postgres(ql)?$/, error: "DATABASE_APP_URL must be a postgres:// URL" }).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters"),
  AUDIT_HMAC_KEY: z.string().min(32, "AUDIT_HMAC_KEY must be at least 32 characters").optional(),
  CRON_SECRET: z.string().min(32, "CRON_SECRET must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;

/** Each problem of `source` as `NAME: message`; empty when the settings above are valid. */
export function envProblems(source: Record<string, string | undefined>): string[] {
  const parsed = schema.safeParse(source);
  return parsed.success ? [] : parsed.error.issues.map(describeIssue);
}

let cached: Env | undefined;

/** The validated server environment; throws one readable error naming every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid environment: ${parsed.error.issues.map(describeIssue).join("; ")}`);
  cached = parsed.data;
  return cached;
}
