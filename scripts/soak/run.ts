import fs from "node:fs";
import os from "node:os";
import { ingestConfigFromEnv } from "../../lib/ingest/otlp-http/config";
import { streamLimitsFromEnv } from "../../lib/traces/trace/stream-limits";
import { Adversary, seedAdversary, signInAndWarm } from "./adversary";
import { SentSpans, SoakExporter, type ExportTally } from "./exporters";
import { appRestart, pgRestart, type FaultOutcome } from "./faults";
import { HttpRecorder, KEEP_ALIVE_RESET } from "./http-recorder";
import { appConnectionCounter, busyWhere, idleInTransactionSessions, machineCpuPercent, PurgeScheduler, Sampler, serverCpuPercent, serverRssMb } from "./monitors";
import { soakOptions } from "./options";
import { burst, syntheticBody, postUntilAccepted, type BurstResult } from "./raw-ingest";
import { EXPIRED_TENANT, expireTenant, seedSoak, SOAK_TENANTS } from "./seed";
import { Stack } from "./stack";
import { RequestStats, sleep, within, type Window } from "./stats";
import { slowAnswersAgainst } from "./timeline";
import { browse, userTally } from "./users";
import { verifyStorage } from "./verify";

/**
 * `npm run soak`: OTLP exporters at a steady rate, users searching and opening traces, the
 * retention purge on a schedule, optionally Postgres and app faults, all on loopback against
 * the production build; then every check, and exit 1 if one failed. See soak-README.
 */
const options = (() => {
  try {
    return soakOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`[soak] ${(error as Error).message}`);
    process.exit(2);
  }
})();
const log = (line: string) => console.log(`[soak] ${line}`);
const DRAIN_MS = 120_000;
const WARM_UP_MS = 5_000;
/** Network errors are expected only while the app is down and until it answers again. */
const NETWORK_GRACE_MS = 2_000;
/** The server's event loop is one core, and at this share of it requests queue in the process; so do all at this share of the machine. */
const SATURATED_CPU = 90;

async function main(): Promise<number> {
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  const ingestConfig = ingestConfigFromEnv(process.env);
  const streamLimits = streamLimitsFromEnv(process.env);
  const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 10);
  const stack = new Stack({ dataDir: options.dataDir, port: options.port, pgPort: options.pgPort, log });
  const recorder = new HttpRecorder();
  const rss = new Sampler(() => serverRssMb(stack.appPid));
  const cpu = new Sampler(serverCpuPercent(() => stack.appPid));
  const machineCpu = new Sampler(machineCpuPercent());
  const connections = appConnectionCounter(() => stack.databaseUrl);
  const connectionSampler = new Sampler(connections.read);
  try {
    log(`starting Postgres (port ${options.pgPort}) and the production server (port ${options.port})…`);
    await stack.start();
    const seeded = await seedSoak(stack.databaseUrl, options.users);
    const adversarySeed = options.adversary !== "off" ? await seedAdversary(stack.databaseUrl, options.adversaryTraceSpans) : undefined;
    await stack.startApp();
    const adversarySession = adversarySeed ? await signInAndWarm(stack.baseUrl, adversarySeed) : undefined;
    const endpoint = `http://127.0.0.1:${options.port}/v1/traces`;

    // Spans five days old for the expired tenant, stored through ingest, then made due for the purge.
    const expiredSent = new SentSpans();
    const expiredBody = syntheticBody(512, [EXPIRED_TENANT], expiredSent, Date.now() - 5 * 86_400_000);
    if (!(await postUntilAccepted(endpoint, seeded.platformKey, expiredBody, new RequestStats(), [], Date.now() + 30_000))) throw new Error("could not store the expired tenant's spans");
    const expiredStored = await expireTenant(stack.databaseUrl);

    const sent = new SentSpans();
    const tally: ExportTally = { reexports: 0, lostSpans: 0, failures: [] };
    let giveUpAt = Infinity;
    const exporters = Array.from({ length: options.exporters }, (_, i) => {
      const tenant = SOAK_TENANTS[i % SOAK_TENANTS.length]!;
      return new SoakExporter({ endpoint, key: seeded.keys.get(tenant)!, tenant, service: `soak-service-${i}`, rate: options.rate, sent, tally, giveUpAt: () => giveUpAt });
    });
    const users = userTally();
    const purge = new PurgeScheduler(stack.baseUrl, stack.cronSecret);
    const windows: Window[] = [];
    const faults: FaultOutcome[] = [];
    let burstResult: BurstResult | undefined;

    const durationMs = options.duration * 1000;
    const t0 = Date.now();
    const endAt = t0 + durationMs;
    log(`soak for ${options.duration} s: ${options.exporters} exporters × ${options.rate} spans/s, ${options.users} users, purge every ${options.purgeEvery} s, fault: ${options.fault}, adversary: ${options.adversary}`);
    recorder.subscribe();
    rss.start();
    cpu.start();
    machineCpu.start();
    connectionSampler.start();
    for (const e of exporters) e.start();
    purge.start(Math.min(10_000, durationMs / 10), options.purgeEvery * 1000);
    const browsing = seeded.users.map((u) => browse(stack.baseUrl, u, users, () => Date.now() >= endAt));
    // Held until the server cuts it: its stall timeout, and a margin.
    const adversary = options.adversary === "on" && adversarySeed && adversarySession
      ? new Adversary({ baseUrl: stack.baseUrl, seed: adversarySeed, session: adversarySession, exports: options.adversaryExports, drips: options.adversaryDrips, dripEveryMs: 2_000, holdMs: streamLimits.stallMs + 5_000 })
      : undefined;
    // The server's first seconds are slow with or without an adversary (route modules load, caches
    // are cold): the users' percentiles leave them out, and the adversary starts once they are over.
    const warmedAt = t0 + Math.min(WARM_UP_MS, durationMs / 10);
    const adversaryStarted = sleep(warmedAt - Date.now()).then(() => adversary?.start());

    const at = (fraction: number) => sleep(Math.max(0, t0 + fraction * durationMs - Date.now()));
    const ctx = { stack, endpoint, platformKey: seeded.platformKey, sent, windows, t0 };
    const script = (async () => {
      await at(0.15);
      log(`burst: ${options.burst} concurrent exports of 256 spans`);
      const burstWindow: Window = { name: "burst", from: Date.now() };
      windows.push(burstWindow);
      burstResult = await burst(endpoint, seeded.platformKey, SOAK_TENANTS, options.burst, sent, endAt + DRAIN_MS);
      burstWindow.to = Date.now();
      if (options.fault === "pg-restart" || options.fault === "all") {
        await at(0.35);
        log(`fault: stopping Postgres for ${options.pgDown} s`);
        faults.push(await pgRestart(ctx, options.pgDown));
        log(`fault: Postgres back, ingest accepted again after ${faults.at(-1)!.recoveredAfterMs} ms`);
      }
      if (options.fault === "app-restart" || options.fault === "all") {
        await at(0.65);
        log("fault: killing the server (SIGKILL)");
        faults.push(await appRestart(ctx, options.appDown));
        log(`fault: server back, ingest accepted again after ${faults.at(-1)!.recoveredAfterMs} ms`);
      }
    })();

    const progress = setInterval(() => log(`${Math.round((Date.now() - t0) / 1000)} s: ${sent.keys.size} spans produced, server RSS ${Math.round(rss.samples.at(-1)?.value ?? 0)} MiB, exports ${recorder.stats.total}`), 30_000);
    await sleep(durationMs);
    clearInterval(progress);
    log("time is up: users stop, exporters drain…");
    giveUpAt = Date.now() + DRAIN_MS;
    await Promise.all(browsing);
    await adversaryStarted;
    await adversary?.stop();
    await script;
    await Promise.all(exporters.map((e) => e.stop()));
    await purge.stop();
    const drainedAt = Date.now();
    rss.stop();
    cpu.stop();
    machineCpu.stop();
    connectionSampler.stop();
    recorder.unsubscribe();

    const storage = await verifyStorage(stack.databaseUrl, sent, new Date(t0));
    // Every client has finished or gone; a transaction still idle is one nobody will end.
    const leftIdleInTransaction = await idleInTransactionSessions(stack.databaseUrl, 2);
    const uncaught = stack.uncaughtExceptions();

    // The checks.
    const checks: { name: string; ok: boolean; detail: string }[] = [];
    const userP99 = () => ({
      ingest: recorder.stats.percentile(99, disturbed),
      search: users.search.percentile(99, disturbed),
      trace: users.trace.percentile(99, disturbed),
      spans: users.spans.percentile(99, disturbed),
    });
    const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
    const networkError = (outcome: number | string) => typeof outcome === "string";
    const appWindows = windows.filter((w) => w.name === "app-restart");
    const unexpectedAnswers = <T extends { at: number; outcome: number | string }>(answers: T[], allowed: readonly (number | string)[]): T[] =>
      answers.filter((a) => !(allowed.includes(a.outcome) || (networkError(a.outcome) && within(appWindows, a.at, NETWORK_GRACE_MS))));
    const disturbed = (at: number) => at < warmedAt || within(windows, at, 5_000);
    const describe = (answers: { outcome: number | string }[]) => {
      const m = new Map<string, number>();
      for (const a of answers) m.set(String(a.outcome), (m.get(String(a.outcome)) ?? 0) + 1);
      return [...m].map(([k, v]) => `${k}×${v}`).join(" ") || "none";
    };

    check("every span sent is stored exactly once", storage.missing === 0 && storage.duplicates === 0 && storage.unexpected === 0,
      `sent ${storage.sent}, stored ${storage.stored}, missing ${storage.missing}, duplicates ${storage.duplicates}, unexpected ${storage.unexpected}${storage.examples.length ? ` (${storage.examples.join("; ")})` : ""}`);
    check("no half-written batch is visible", storage.summaryMismatches === 0 && storage.spansWithoutTrace === 0 && storage.spansWithoutResource === 0,
      `trace summaries disagreeing with their spans ${storage.summaryMismatches}, spans without a trace row ${storage.spansWithoutTrace}, without a resource ${storage.spansWithoutResource}`);
    check("exporters lost nothing", tally.lostSpans === 0, `re-exports after the SDK gave up ${tally.reexports}, spans lost ${tally.lostSpans}${tally.failures.length ? `: ${tally.failures.slice(0, 3).join("; ")}` : ""}`);
    const badExports = unexpectedAnswers(recorder.answers, [200, 429, 503, KEEP_ALIVE_RESET]);
    const exportsWithoutRetryAfter = recorder.answers.filter((a) => (a.outcome === 429 || a.outcome === 503) && !a.retryAfter).length;
    check("exports failed only with 429/503 + Retry-After (network errors only while the app was down)", badExports.length === 0 && exportsWithoutRetryAfter === 0,
      `unexpected: ${describe(badExports)}; 429/503 without Retry-After: ${exportsWithoutRetryAfter}`);
    const badUserAnswers = unexpectedAnswers(users.answers, [200, 503]);
    check("user requests failed only with 503 (network errors only while the app was down)", badUserAnswers.length === 0, `unexpected: ${describe(badUserAnswers.map((a) => ({ outcome: `${a.route}:${a.outcome}` })))}`);
    check("a tenant viewer saw only their tenant", users.leaks.length === 0, users.leaks.slice(0, 3).join("; ") || "no leak");
    check("users did search and open traces", users.search.count(200) > 0 && users.spans.count(200) > 0, `searches ${users.search.count(200)}, span streams ${users.spans.count(200)}`);
    check(`server memory stayed under ${options.maxRssMb} MiB`, rss.peak > 0 && rss.peak < options.maxRssMb, `peak RSS ${Math.round(rss.peak)} MiB`);
    // The app's pool, the drizzle pool, the downloads' pool, and two for pg-boss and the scheduler.
    const connectionBound = poolMax + Math.max(2, Math.ceil(poolMax / 4)) + streamLimits.total + 2;
    check("no session was left idle in a transaction after the run", leftIdleInTransaction === 0, `${leftIdleInTransaction} app sessions idle in a transaction for more than 2 s`);
    check(`database connections stayed bounded (≤ ${connectionBound})`, connectionSampler.peak <= connectionBound, `peak ${connectionSampler.peak} app connections`);
    const badPurges = purge.runs.filter((r) => !(r.status === 200 || r.status === 409 || r.status === 503 || (typeof r.status === "string" && within(appWindows, r.at, NETWORK_GRACE_MS))));
    check("the purge ran on schedule and removed the expired spans", (storage.retentionRuns.completed ?? 0) > 0 && storage.expiredLeft.spans === 0 && storage.expiredLeft.traces === 0 && badPurges.length === 0,
      `runs ${JSON.stringify(storage.retentionRuns)}, cron answers ${purge.stats.summary()}; expired tenant: ${expiredStored} spans before, ${storage.expiredLeft.spans} spans and ${storage.expiredLeft.traces} traces after`);
    if (burstResult) {
      const b = burstResult;
      const burst429 = b.answers.filter((a) => a.outcome === 429);
      check(`backpressure: a burst of ${b.requests} concurrent exports got 429 + Retry-After beyond ${ingestConfig.maxConcurrent} + ${ingestConfig.maxQueued}, and all was stored after retries`,
        burst429.length > 0 && burst429.every((a) => a.retryAfter) && b.accepted === b.requests, `${b.stats.summary()}; accepted ${b.accepted}/${b.requests}`);
    }
    if (adversary) {
      const a = adversary.tally;
      const exports = [...a.exports].map(([k, v]) => `${k}×${v}`).join(" ");
      // A download the server produced more slowly than the buffers between it and the client
      // took it (a loaded machine) never kept the server waiting, and may complete: reported only.
      check(`adversary: the server cut stalled exports (${streamLimits.perUser} open at a time per user, 429 + Retry-After beyond)`,
        a.cut > 0 && [...a.exports.keys()].every((k) => k === "200" || k === "429" || k === "503"),
        `exports ${exports}; cut ${a.cut}, read to the end after the stall ${a.completed}`);
      const drips = [...a.drips].map(([k, v]) => `${k}×${v}`).join(" ");
      check("adversary: every slow body was refused (408 at its deadline, 429 beyond the key's share), none stored",
        (a.drips.get("408") ?? 0) > 0 && [...a.drips.keys()].every((k) => k === "408" || k === "429" || k === "503"), `drip sockets ${drips || "none"}`);
    }
    if (options.baseline) {
      const base = JSON.parse(fs.readFileSync(options.baseline, "utf8")) as { p99Ms: Record<string, number> };
      const now = userP99();
      // A kind with no steady answers in either run (NaN) has nothing to compare.
      const over = Object.entries(now).filter(([k, v]) => !(v <= 2 * base.p99Ms[k]!) && Number.isFinite(v) && Number.isFinite(base.p99Ms[k]));
      check("other users' p99 stayed within 2× of the baseline run", over.length === 0,
        Object.entries(now).map(([k, v]) => `${k} ${v.toFixed(1)} ms (baseline ${base.p99Ms[k]?.toFixed(1) ?? "?"} ms)`).join(", "));
    }
    for (const f of faults) {
      check(f.appRestarted ? `fault ${f.name}: ingest accepted again once the new server listened` : `fault ${f.name}: ingest answered 503 + Retry-After (no other error) and recovered without an app restart`,
        f.withoutRetryAfter === 0 && f.recoveredAfterMs !== null && Object.keys(f.probe).every((k) => k === "200" || k === "503"),
        `down ${f.downSeconds.toFixed(1)} s at ${f.atSeconds} s; probe answers ${JSON.stringify(f.probe)}; accepted again ${f.recoveredAfterMs} ms after the fault ended`);
    }

    const secs = (drainedAt - t0) / 1000;
    const slowLines = () => {
      const suspects = {
        purge: purge.runs.map((r) => ({ from: r.startedAt, to: r.at })),
        ...(adversary ? { "an adversary's download": adversary.tally.downloads } : {}),
        [`a second of server CPU ≥ ${SATURATED_CPU} %`]: busyWhere(cpu.samples, SATURATED_CPU),
        [`a second of machine CPU ≥ ${SATURATED_CPU} %`]: busyWhere(machineCpu.samples, SATURATED_CPU),
      };
      const run = { from: t0, to: drainedAt };
      const kinds = { ingest: recorder.stats, search: users.search, "open trace": users.trace, "span stream": users.spans };
      return Object.entries(kinds).map(([kind, stats]) => `slowest ${kind} answers: ${slowAnswersAgainst(stats, suspects, run, disturbed)}`);
    };
    const lines = [
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load average ${loadAtStart} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
      `soak ${options.duration} s (+${Math.round(secs - options.duration)} s drain), ${options.exporters} OTel exporters × ${options.rate} spans/s, ${options.users} users, fault ${options.fault}, adversary ${options.adversary === "on" ? `on (${options.adversaryExports} stalled exports of a ${options.adversaryTraceSpans}-span trace, ${options.adversaryDrips} drip sockets)` : options.adversary === "idle" ? `idle (its ${options.adversaryTraceSpans}-span trace stored, nothing sent)` : "off"}; INGEST_MAX_CONCURRENT ${ingestConfig.maxConcurrent}, INGEST_MAX_QUEUED ${ingestConfig.maxQueued}, DATABASE_POOL_MAX ${poolMax}`,
      `spans: sent ${storage.sent} (${Math.round(storage.sent / options.duration)}/s), stored ${storage.stored}, duplicates ${storage.duplicates}, missing ${storage.missing}; ${storage.bytesPerSpan} bytes on disk per span (spans, traces, resources, span_rollup with indexes)`,
      `ingest (exporter requests, 512-span batches): ${recorder.stats.summary()}`,
      `  ${recorder.stats.summary(disturbed)}`,
      `search: ${users.search.summary()}`,
      `  ${users.search.summary(disturbed)}`,
      `open trace: ${users.trace.summary(disturbed)}`,
      `span stream: ${users.spans.summary(disturbed)}`,
      `purge (cron): ${purge.stats.summary()}`,
      ...slowLines(),
      ...(adversary ? [`adversary: exports ${[...adversary.tally.exports].map(([k, v]) => `${k}×${v}`).join(" ")}, cut ${adversary.tally.cut}; drip sockets ${[...adversary.tally.drips].map(([k, v]) => `${k}×${v}`).join(" ")}`] : []),
      `server RSS MiB, max per tenth of the run: ${rss.series(t0, drainedAt, 10).join(" ")} (peak ${Math.round(rss.peak)})`,
      `server CPU % of a core, max per tenth: ${cpu.series(t0, drainedAt, 10).join(" ")}; machine CPU % of all cores: ${machineCpu.series(t0, drainedAt, 10).join(" ")}`,
      `app database connections, max per tenth: ${connectionSampler.series(t0, drainedAt, 10).join(" ")} (peak ${connectionSampler.peak})`,
      ...faults.map((f) => `fault ${f.name}: at ${f.atSeconds} s, down ${f.downSeconds.toFixed(1)} s, probe ${JSON.stringify(f.probe)}, recovered ${f.recoveredAfterMs} ms after`),
      // Reported, not a check: postgres.js 3.4.9 throws from a timer when a transaction's connection
      // is cut (porsager/postgres#1154, #1208); Next logs it and keeps serving.
      `server uncaught exceptions (in ${options.dataDir}/app.log): ${uncaught.length}${uncaught[0] ? `, first: ${uncaught[0].slice(0, 160)}` : ""}`,
      "",
      ...checks.map((c) => `${c.ok ? "PASS" : "FAIL"} ${c.name}: ${c.detail}`),
    ];
    console.log(`\n${lines.join("\n")}\n`);
    if (options.json) {
      fs.writeFileSync(options.json, JSON.stringify({ options, storage, faults, checks, ingest: Object.fromEntries(recorder.stats.outcomes), p99Ms: userP99(), peakRssMb: rss.peak }, null, 2));
    }
    const failed = checks.filter((c) => !c.ok).length;
    log(failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    recorder.unsubscribe();
    rss.stop();
    cpu.stop();
    machineCpu.stop();
    connectionSampler.stop();
    await connections.end().catch(() => {});
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[soak] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
