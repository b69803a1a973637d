import fs from "node:fs";
import { connect, type Sql } from "../../db/connect";
import { RequestStats } from "./stats";

export interface Sample {
  at: number;
  value: number;
}

/** The process and every descendant (Next may run its server in a child of the CLI process). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone while we looked.
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** Resident memory of the server's process tree in MiB (VmRSS from /proc), 0 when it is not running. */
export function serverRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // Gone while we looked.
    }
  }
  return kb / 1024;
}

/** Linux reports process CPU time in USER_HZ ticks, 100 a second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU the server's process tree used since the previous call, in % of one core (from
 * /proc/<pid>/stat utime + stime): near 100 the event loop is saturated and every request
 * waits, whatever the database does.
 */
export function serverCpuPercent(pid: () => number | undefined): () => number {
  let last: { at: number; ticks: number } | undefined;
  return () => {
    const root = pid();
    let ticks = 0;
    for (const p of root === undefined ? [] : processTree(root)) {
      try {
        const fields = fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
        // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // Gone while we looked.
      }
    }
    const now = { at: Date.now(), ticks };
    const previous = last;
    last = now;
    if (!previous || now.at <= previous.at) return 0;
    return Math.max(0, ((now.ticks - previous.ticks) / TICKS_PER_SECOND / ((now.at - previous.at) / 1000)) * 100);
  };
}

/**
 * The whole machine's CPU busy since the previous call, in % of all its cores (from
 * /proc/stat): near 100 every process waits for a core, the server's and the database's alike,
 * and a slow answer then says little about either.
 */
export function machineCpuPercent(): () => number {
  let last: { busy: number; total: number } | undefined;
  return () => {
    const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const ticks = fields.map(Number);
    // idle and iowait are the fourth and fifth fields; guest time is already inside user.
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const now = { busy: total - ticks[3]! - ticks[4]!, total };
    const previous = last;
    last = now;
    if (!previous || now.total <= previous.total) return 0;
    return ((now.busy - previous.busy) / (now.total - previous.total)) * 100;
  };
}

/** The seconds in which a per-second sample reached `threshold`, as busy intervals. */
export function busyWhere(samples: readonly Sample[], threshold: number): { from: number; to: number }[] {
  return samples.filter((s) => s.value >= threshold).map((s) => ({ from: s.at - 1000, to: s.at }));
}

/** Samples something every second; failures (the database is down) are skipped. */
export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly read: () => number | Promise<number>) {}

  start(): void {
    const tick = async () => {
      try {
        this.samples.push({ at: Date.now(), value: await this.read() });
      } catch {
        // Nothing to read right now (Postgres restarting); the gap shows in the series.
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get peak(): number {
    return Math.max(0, ...this.samples.map((s) => s.value));
  }

  /** The maximum of each of `buckets` equal slices of the run: a compact series for the report. */
  series(from: number, to: number, buckets: number): number[] {
    const width = (to - from) / buckets;
    return Array.from({ length: buckets }, (_, i) => {
      const inBucket = this.samples.filter((s) => s.at >= from + i * width && s.at < from + (i + 1) * width);
      return Math.round(Math.max(0, ...inBucket.map((s) => s.value)));
    });
  }
}

/** The app's connections to its database (the harness's own monitor connection excluded). */
export function appConnectionCounter(databaseUrl: () => string): { read: () => Promise<number>; end: () => Promise<void> } {
  let sql: Sql | undefined;
  let url = "";
  return {
    read: async () => {
      if (!sql || url !== databaseUrl()) {
        url = databaseUrl();
        sql = connect(url, { max: 1, applicationName: "trace-explorer-soak" });
      }
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name NOT LIKE 'trace-explorer-soak%'`;
      return row!.n;
    },
    end: async () => {
      await sql?.end({ timeout: 2 });
    },
  };
}

export interface PurgeRun {
  startedAt: number;
  at: number;
  status: number | string;
  body: string;
}

/** The external scheduler of ADR-010: POST /api/cron/retention every `everyMs`, first after `firstMs`. */
export class PurgeScheduler {
  readonly stats = new RequestStats();
  readonly runs: PurgeRun[] = [];
  private timers: NodeJS.Timeout[] = [];
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  start(firstMs: number, everyMs: number): void {
    const tick = () => {
      this.inFlight = this.runOnce();
    };
    this.timers.push(setTimeout(() => {
      tick();
      this.timers.push(setInterval(tick, everyMs));
    }, firstMs));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.inFlight;
  }

  async runOnce(): Promise<void> {
    const t0 = performance.now();
    const startedAt = Date.now();
    try {
      const res = await fetch(`${this.baseUrl}/api/cron/retention`, { method: "POST", headers: { authorization: `Bearer ${this.secret}` } });
      const body = await res.text();
      this.stats.record(res.status, performance.now() - t0);
      this.runs.push({ startedAt, at: Date.now(), status: res.status, body: body.slice(0, 400) });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      this.stats.record(code);
      this.runs.push({ startedAt, at: Date.now(), status: code, body: "" });
    }
  }
}

/**
 * The app's sessions left idle inside a transaction for more than `seconds` (an abandoned
 * download or request would show here), read once with a connection of the soak's own.
 */
export async function idleInTransactionSessions(databaseUrl: string, seconds: number): Promise<number> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak" });
  try {
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name NOT LIKE 'trace-explorer-soak%'
        AND state LIKE 'idle in transaction%' AND now() - state_change > make_interval(secs => ${seconds})`;
    return row!.n;
  } finally {
    await sql.end();
  }
}
