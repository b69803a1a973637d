import net from "node:net";
import { connect, makeDb } from "../../db/connect";
import { createUser } from "../../lib/auth/testing/users";
import { createIngestKey } from "../../lib/ingest/otlp-http/keys";
import { insertSyntheticTrace } from "../../lib/traces/testing/synthetic-trace";
import { sleep } from "./stats";
import { Session, type SoakUser } from "./users";

/**
 * The soak's adversary (issue 15): one tenant viewer keeps `exports` downloads of a large
 * trace open, reading 64 KB of each and then nothing, and opens a new one whenever the server
 * cuts one; one ingest key keeps `drips` sockets sending a body one byte every `dripEveryMs`.
 * Both on a tenant of their own, so the soak's checks of the other tenants' data hold as they
 * are; what the adversary costs the others shows in their latencies.
 */
export const ADVERSARY_TENANT = "soak-adversary";
const TRACE_ID = "adadadadadadadadadadadadadadadad";
const STALL_AFTER_BYTES = 64 * 1024;

export interface AdversarySeed {
  user: SoakUser;
  key: string;
}

/** The adversary's tenant, viewer, key and large trace (two hours old: outside the users' 15-minute searches). */
export async function seedAdversary(databaseUrl: string, spans: number): Promise<AdversarySeed> {
  const sql = connect(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-seed" });
  const db = makeDb(databaseUrl, { max: 1, applicationName: "trace-explorer-soak-seed" });
  try {
    await sql`INSERT INTO tenants (id, name, retention_days, kept_retention_days, keep_ratio) VALUES (${ADVERSARY_TENANT}, ${ADVERSARY_TENANT}, 7, 30, 1)`;
    await insertSyntheticTrace(sql, { tenant: ADVERSARY_TENANT, traceId: TRACE_ID, spans, start: new Date(Date.now() - 2 * 3_600_000) });
    const user = { email: "soak-adversary@soak.test", password: "soak-adversary-password-long-enough", tenants: [ADVERSARY_TENANT] };
    await createUser(sql, { ...user, role: "tenant_viewer" });
    const { key } = await createIngestKey(db, { tenantId: ADVERSARY_TENANT, name: "soak adversary" });
    return { user, key };
  } finally {
    await sql.end();
    await db.$client.end();
  }
}

/**
 * The adversary's viewer signs in and reads one full export of its trace before the run, in
 * both runs: the server compiles a route's code on its first request, and neither that
 * once-per-process cost nor a sign-in is something the adversary can repeat at will, so neither
 * should count against it (together they were most of the others' slowest answers when the
 * adversary started, session 10). The session is the one the adversary then uses.
 */
export async function signInAndWarm(baseUrl: string, seed: AdversarySeed): Promise<Session> {
  const session = new Session(baseUrl);
  await session.signIn(seed.user.email, seed.user.password);
  const response = await session.fetch(`/api/traces/${TRACE_ID}/export?tenant=${ADVERSARY_TENANT}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`warming the export route: ${response.status}`);
  return session;
}

export interface AdversaryTally {
  /** Export answers by status (200: a download opened and then stalled; 429: over the cap). */
  exports: Map<string, number>;
  /** Stalled downloads the server ended, and those that ran to completion anyway (must stay 0). */
  cut: number;
  completed: number;
  /** Drip sockets' fates: the status the server answered, or "closed" / "error". */
  drips: Map<string, number>;
  /** Each download's busy part, from its request to its stall (epoch ms), to set the others' slow answers against. */
  downloads: { from: number; to: number }[];
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export class Adversary {
  readonly tally: AdversaryTally = { exports: new Map(), cut: 0, completed: 0, drips: new Map(), downloads: [] };
  private stopped = false;
  private readonly running: Promise<void>[] = [];
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly options: { baseUrl: string; seed: AdversarySeed; session: Session; exports: number; drips: number; dripEveryMs: number; holdMs: number },
  ) {}

  start(): void {
    for (let i = 0; i < this.options.exports; i++) this.running.push(this.stallExports(this.options.session));
    for (let i = 0; i < this.options.drips; i++) this.running.push(this.drip());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.running);
  }

  /** One "socket" of the viewer: open the export, read 64 KB, stop reading; once the server had time to cut it, see whether it did. */
  private async stallExports(session: Session): Promise<void> {
    while (!this.stopped) {
      let response: Response;
      const from = Date.now();
      try {
        // Uncompressed, as curl sends it: gzip would let the whole (very repetitive) file fit in
        // the sockets' buffers, and the server would finish instead of meeting a stalled reader.
        response = await session.fetch(`/api/traces/${TRACE_ID}/export?tenant=${ADVERSARY_TENANT}`, { headers: { "accept-encoding": "identity" } });
      } catch (error) {
        bump(this.tally.exports, (error as { cause?: { code?: string } }).cause?.code ?? "error");
        await sleep(1_000);
        continue;
      }
      bump(this.tally.exports, String(response.status));
      if (response.status !== 200 || !response.body) {
        await response.arrayBuffer().catch(() => {});
        await sleep(1_000);
        continue;
      }
      const reader = response.body.getReader();
      try {
        for (let got = 0; got < STALL_AFTER_BYTES; ) {
          const { done, value } = await reader.read();
          if (done) break;
          got += value.byteLength;
        }
        this.tally.downloads.push({ from, to: Date.now() });
        const until = Date.now() + this.options.holdMs;
        while (!this.stopped && Date.now() < until) await sleep(250);
        if (this.stopped) break;
        for (;;) if ((await reader.read()).done) break;
        this.tally.completed++;
      } catch {
        this.tally.cut++;
      } finally {
        await reader.cancel().catch(() => {});
      }
    }
  }

  /** One slow-body socket after another on the adversary's key, until stopped. */
  private async drip(): Promise<void> {
    const { hostname, port } = new URL(this.options.baseUrl);
    while (!this.stopped) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: hostname, port: Number(port) });
        this.sockets.add(socket);
        let timer: NodeJS.Timeout | undefined;
        let text = "";
        const done = (result: string) => {
          clearInterval(timer);
          this.sockets.delete(socket);
          socket.destroy();
          resolve(result);
        };
        socket.on("connect", () => {
          socket.write(
            `POST /v1/traces HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-protobuf\r\nAuthorization: Bearer ${this.options.seed.key}\r\nContent-Length: 100000\r\n\r\n`,
          );
          timer = setInterval(() => socket.write("\x0a"), this.options.dripEveryMs);
        });
        socket.on("data", (data) => {
          text += data.toString("latin1");
          const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
          if (status) done(status[1]!);
        });
        socket.on("error", () => done("error"));
        socket.on("close", () => done(this.stopped ? "stopped" : "closed"));
      });
      if (outcome !== "stopped") bump(this.tally.drips, outcome);
      await sleep(1_000);
    }
  }
}
