import { encodeRequest, syntheticRequest } from "../../lib/ingest/testing/synthetic";
import type { SentSpans } from "./exporters";
import { RequestStats, sleep } from "./stats";

export interface RawAnswer {
  at: number;
  outcome: number | string;
  retryAfter: string | null;
}

/** A synthetic OTLP body (random ids, spans starting at `startMs`) whose spans are recorded as sent. */
export function syntheticBody(spans: number, tenants: readonly string[], sent: SentSpans, startMs = Date.now() - 1000): Uint8Array {
  const request = syntheticRequest({ spans, tenants, spansPerTrace: 8, startMs });
  for (const rs of request.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const tenant = span.attributes?.find((a) => a.key === "tenant.id")?.value?.stringValue;
        sent.add(tenant!, Buffer.from(span.traceId!).toString("hex"), Buffer.from(span.spanId!).toString("hex"));
      }
    }
  }
  return encodeRequest(request);
}

/** One POST /v1/traces; the status, or the network error's code. */
export async function postOnce(endpoint: string, key: string, body: Uint8Array, stats: RequestStats, answers: RawAnswer[]): Promise<RawAnswer> {
  const t0 = performance.now();
  let answer: RawAnswer;
  try {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf", authorization: `Bearer ${key}` },
      body: body as BodyInit,
    });
    await res.arrayBuffer();
    answer = { at: Date.now(), outcome: res.status, retryAfter: res.headers.get("retry-after") };
    stats.record(res.status, performance.now() - t0);
  } catch (error) {
    answer = { at: Date.now(), outcome: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message, retryAfter: null };
    stats.record(answer.outcome);
  }
  answers.push(answer);
  return answer;
}

/** Posts until 200, waiting Retry-After (or 1 s) after a 429, a 503 or a refused connection. */
export async function postUntilAccepted(
  endpoint: string,
  key: string,
  body: Uint8Array,
  stats: RequestStats,
  answers: RawAnswer[],
  deadline: number,
): Promise<boolean> {
  while (Date.now() < deadline) {
    const { outcome, retryAfter } = await postOnce(endpoint, key, body, stats, answers);
    if (outcome === 200) return true;
    if (typeof outcome === "number" && outcome !== 429 && outcome !== 503) return false;
    await sleep(1000 * (Number(retryAfter) || 1) * (0.5 + Math.random()));
  }
  return false;
}

export interface BurstResult {
  stats: RequestStats;
  answers: RawAnswer[];
  accepted: number;
  requests: number;
}

/**
 * More concurrent exports than the server admits (INGEST_MAX_CONCURRENT writing plus
 * INGEST_MAX_QUEUED waiting): the excess must be answered 429 with Retry-After at once, and
 * every batch must be stored once its client retried.
 */
export async function burst(endpoint: string, key: string, tenants: readonly string[], requests: number, sent: SentSpans, deadline: number): Promise<BurstResult> {
  const bodies = Array.from({ length: requests }, () => syntheticBody(256, tenants, sent));
  const stats = new RequestStats();
  const answers: RawAnswer[] = [];
  const results = await Promise.all(bodies.map((body) => postUntilAccepted(endpoint, key, body, stats, answers, deadline)));
  return { stats, answers, accepted: results.filter(Boolean).length, requests };
}
