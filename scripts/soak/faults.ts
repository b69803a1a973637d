import type { SentSpans } from "./exporters";
import { postOnce, syntheticBody, type RawAnswer } from "./raw-ingest";
import { SOAK_TENANTS } from "./seed";
import type { Stack } from "./stack";
import { RequestStats, sleep, type Window } from "./stats";

export interface FaultOutcome {
  name: string;
  /** Seconds from the soak's start. */
  atSeconds: number;
  downSeconds: number;
  /** What one probe export got, retried every 500 ms, from the fault until it was accepted. */
  probe: Record<string, number>;
  /** Probe answers 429/503 without Retry-After: must be 0. */
  withoutRetryAfter: number;
  /** From the end of the fault (Postgres up again, or the new server listening) to the first accepted export. */
  recoveredAfterMs: number | null;
  appRestarted: boolean;
}

interface FaultContext {
  stack: Stack;
  endpoint: string;
  platformKey: string;
  sent: SentSpans;
  windows: Window[];
  t0: number;
}

/** Exports one small batch every 500 ms until accepted; the batch's spans count as sent. */
async function probeUntilAccepted(ctx: FaultContext, until: Promise<void>, answers: RawAnswer[]): Promise<number> {
  const body = syntheticBody(8, SOAK_TENANTS, ctx.sent);
  const stats = new RequestStats();
  let faultOver = false;
  void until.then(() => (faultOver = true));
  for (;;) {
    const { outcome } = await postOnce(ctx.endpoint, ctx.platformKey, body, stats, answers);
    if (outcome === 200 && faultOver) return Date.now();
    if (outcome === 200) return probeUntilAccepted(ctx, until, answers);
    await sleep(500);
  }
}

function summarize(name: string, ctx: FaultContext, window: Window, downMs: number, answers: RawAnswer[], faultEndedAt: number, acceptedAt: number, appRestarted: boolean): FaultOutcome {
  const probe: Record<string, number> = {};
  for (const a of answers) probe[String(a.outcome)] = (probe[String(a.outcome)] ?? 0) + 1;
  return {
    name,
    atSeconds: Math.round((window.from - ctx.t0) / 1000),
    downSeconds: downMs / 1000,
    probe,
    withoutRetryAfter: answers.filter((a) => (a.outcome === 429 || a.outcome === 503) && !a.retryAfter).length,
    recoveredAfterMs: acceptedAt - faultEndedAt,
    appRestarted,
  };
}

/**
 * Postgres stopped (fast shutdown: connections cut, open transactions rolled back) and started
 * again after `downSeconds`, the app left running: ingest must answer 503 + Retry-After while
 * it is down and accept again once it is back, with no restart of the app.
 */
export async function pgRestart(ctx: FaultContext, downSeconds: number): Promise<FaultOutcome> {
  const window: Window = { name: "pg-restart", from: Date.now() };
  ctx.windows.push(window);
  await ctx.stack.stopPostgres();
  let back!: () => void;
  const up = new Promise<void>((r) => (back = r));
  const answers: RawAnswer[] = [];
  const probing = probeUntilAccepted(ctx, up, answers);
  await sleep(downSeconds * 1000);
  await ctx.stack.startPostgres();
  const endedAt = Date.now();
  back();
  const acceptedAt = await probing;
  window.to = acceptedAt;
  return summarize("pg-restart", ctx, window, endedAt - window.from, answers, endedAt, acceptedAt, false);
}

/** The server killed with SIGKILL mid-load and started again after `downSeconds`. */
export async function appRestart(ctx: FaultContext, downSeconds: number): Promise<FaultOutcome> {
  const window: Window = { name: "app-restart", from: Date.now() };
  ctx.windows.push(window);
  await ctx.stack.killApp();
  await sleep(downSeconds * 1000);
  await ctx.stack.startApp();
  const endedAt = Date.now();
  const answers: RawAnswer[] = [];
  const acceptedAt = await probeUntilAccepted(ctx, Promise.resolve(), answers);
  window.to = acceptedAt;
  return summarize("app-restart", ctx, window, endedAt - window.from, answers, endedAt, acceptedAt, true);
}
