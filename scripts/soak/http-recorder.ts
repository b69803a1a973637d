import diagnostics from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { RequestStats } from "./stats";

export const KEEP_ALIVE_RESET = "ECONNRESET on a reused idle socket";

export interface RecordedAnswer {
  at: number;
  outcome: number | string;
  retryAfter: string | undefined;
}

/**
 * Every request the OTLP exporters make through node:http, seen through Node's HTTP
 * diagnostics channels, so the soak counts each attempt (retries included) with its status
 * and latency without touching the exporter. fetch (the users, the probes) is not node:http,
 * so only the exporters land here.
 */
export class HttpRecorder {
  readonly stats = new RequestStats();
  /** Non-200 answers and errors, with their times, to judge them against the fault windows. */
  readonly answers: RecordedAnswer[] = [];
  private readonly started = new WeakMap<ClientRequest, number>();
  private readonly onStart = (message: unknown) => {
    this.started.set((message as { request: ClientRequest }).request, performance.now());
  };
  private readonly onFinish = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const t0 = this.started.get(request);
    const status = response.statusCode ?? 0;
    this.stats.record(status, t0 === undefined ? undefined : performance.now() - t0);
    const retryAfter = response.headers["retry-after"];
    if (status !== 200) this.answers.push({ at: Date.now(), outcome: status, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined });
  };
  private readonly onError = (message: unknown) => {
    const { request, error } = message as { request: ClientRequest; error: { code?: string; message?: string } };
    // The keep-alive race Node's documentation describes: the server closed an idle socket just
    // as the client reused it, so the request never reached the app; exporters retry it.
    const idleReset = request.reusedSocket && error.code === "ECONNRESET";
    const outcome = idleReset ? KEEP_ALIVE_RESET : (error.code ?? error.message ?? "error");
    this.stats.record(outcome);
    this.answers.push({ at: Date.now(), outcome, retryAfter: undefined });
  };

  subscribe(): void {
    diagnostics.subscribe("http.client.request.start", this.onStart);
    diagnostics.subscribe("http.client.response.finish", this.onFinish);
    diagnostics.subscribe("http.client.request.error", this.onError);
  }

  unsubscribe(): void {
    diagnostics.unsubscribe("http.client.request.start", this.onStart);
    diagnostics.unsubscribe("http.client.response.finish", this.onFinish);
    diagnostics.unsubscribe("http.client.request.error", this.onError);
  }
}
