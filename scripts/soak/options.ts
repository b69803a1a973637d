import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

export const FAULTS = ["none", "pg-restart", "app-restart", "all"] as const;
export type Fault = (typeof FAULTS)[number];

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = z.object({
  duration: seconds(300),
  exporters: count(4, 32),
  /** Spans per second per exporter. */
  rate: count(250, 20_000),
  users: count(3, 32),
  fault: z.enum(FAULTS).default("none"),
  /** How long Postgres stays down in the pg-restart fault. */
  pgDown: seconds(10),
  /** How long the app stays dead before it is started again in the app-restart fault. */
  appDown: seconds(2),
  /** Concurrent requests of the backpressure burst; above INGEST_MAX_CONCURRENT + INGEST_MAX_QUEUED. */
  burst: count(160, 2_000),
  purgeEvery: seconds(60),
  /**
   * The adversary (scripts/soak/adversary.ts): one viewer holding stalled exports of a large
   * trace and one key dripping slow bodies, all through the run. `idle` stores its tenant and
   * trace but sends nothing: the baseline for "on", so that the pair differs only in what the
   * adversary does, not in the data it brought.
   */
  adversary: z.enum(["on", "idle", "off"]).default("on"),
  adversaryExports: count(10, 100),
  adversaryDrips: count(40, 1_000),
  adversaryTraceSpans: count(50_000, 1_000_000),
  /** A JSON report (--json) of a run without the adversary: the users' p99 must stay within twice its own. */
  baseline: z.string().optional(),
  maxRssMb: count(1536, 65_536),
  port: count(3170, 65_535),
  pgPort: count(54370, 65_535),
  dataDir: z.string().default(".data/soak"),
  json: z.string().optional(),
});

export type SoakOptions = z.output<typeof schema>;

/**
 * `npm run soak -- --duration 60 --fault pg-restart`; every flag also reads from SOAK_<NAME>
 * (SOAK_DURATION, SOAK_PG_DOWN, …), flags first.
 */
export function soakOptions(argv: string[], env: NodeJS.ProcessEnv): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(schema.shape).map((k) => [kebab(k), { type: "string" as const }])),
    strict: true,
  });
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    raw[key] = (values[kebab(key)] as string | undefined) ?? env[`SOAK_${kebab(key).replace(/-/g, "_").toUpperCase()}`];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid soak options: ${parsed.error.issues.map((i) => `--${kebab(String(i.path[0]))}: ${i.message}`).join("; ")}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
