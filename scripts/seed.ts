import { parseArgs } from "node:util";
import { randomInt } from "node:crypto";
import { z } from "zod";
import { connect } from "../db/connect";
import { generateDemoTraces, seedTenants } from "./demo/index";
import { runMigrations } from "../db/migrate";
import { cliDatabaseUrl } from "./startup/cli-database";

// `npm run seed -- --traces N`: appends demo traces (ADR-012 platform, 8 tenants) to the
// database the app uses. Refuses anything but a local database unless told otherwise.

const usage = `Usage: npm run seed -- --traces N [--days D] [--seed S] [--allow-remote]
  --traces        how many traces to write (1 to 10,000,000)
  --days          spread their start times over the last D days (1 to 365, default 7)
  --seed          PRNG seed; the same seed writes the same traces (default: random, printed)
  --allow-remote  write to a database that is not on this machine
Database: DATABASE_URL, or the URL in .data/database-url written by npm start.`;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

const optionsSchema = z.object({
  traces: z.coerce.number({ error: "--traces must be a number" }).int("--traces must be a whole number").min(1, "--traces must be at least 1").max(10_000_000, "--traces must be at most 10,000,000"),
  days: z.coerce.number({ error: "--days must be a number" }).int("--days must be a whole number").min(1, "--days must be at least 1").max(365, "--days must be at most 365"),
  seed: z.coerce.number({ error: "--seed must be a number" }).int("--seed must be a whole number").min(0, "--seed must be 0 or more").max(2 ** 31 - 1, "--seed must be below 2^31"),
  allowRemote: z.boolean(),
});

class UsageError extends Error {}

function parseOptions(argv: string[]): z.infer<typeof optionsSchema> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        traces: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
        "allow-remote": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (values.traces === undefined) throw new UsageError("--traces is required");
  const parsed = optionsSchema.safeParse({
    traces: values.traces,
    days: values.days ?? 7,
    seed: values.seed ?? randomInt(2 ** 31),
    allowRemote: values["allow-remote"] ?? false,
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}


/** Local means a loopback host or a Unix socket (no host in the URL). */
function isLocal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("The database URL is not a valid URL.");
  }
  return parsed.hostname === "" || LOCAL_HOSTS.has(parsed.hostname);
}

const number = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const url = cliDatabaseUrl();
  if (!isLocal(url) && !options.allowRemote) {
    throw new Error(`Refusing to seed ${new URL(url).hostname}: it is not a local database. Pass --allow-remote if you mean it.`);
  }

  await runMigrations(url);
  const sql = connect(url, { max: 2, applicationName: "trace-explorer-seed" });
  try {
    await seedTenants(sql);
    console.log(`Seeding ${number(options.traces)} traces over the last ${options.days} days (seed ${options.seed})…`);
    const started = performance.now();
    const result = await generateDemoTraces(sql, {
      traces: options.traces,
      days: options.days,
      seed: options.seed,
      onProgress: ({ traces, spans }) =>
        console.log(`  ${number(traces)} traces, ${number(spans)} spans (${((performance.now() - started) / 1000).toFixed(1)} s)`),
    });
    const seconds = result.ms / 1000;
    console.log(
      `Seeded ${number(result.traces)} traces, ${number(result.spans)} spans in ${seconds.toFixed(1)} s ` +
        `(${number(Math.round(result.spans / seconds))} spans/s), seed ${options.seed}.`,
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`seed: ${message}`);
  if (error instanceof UsageError) console.error(usage);
  process.exit(error instanceof UsageError ? 2 : 1);
});
