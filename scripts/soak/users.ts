import { RequestStats, sleep } from "./stats";

export interface SoakUser {
  email: string;
  password: string;
  /** The tenants the user may see; undefined for all (admin). */
  tenants?: readonly string[];
}

export interface UserAnswer {
  at: number;
  route: string;
  outcome: number | string;
}

export interface UserTally {
  search: RequestStats;
  trace: RequestStats;
  spans: RequestStats;
  /** Non-200 answers and errors with their times, to judge them against the fault windows. */
  answers: UserAnswer[];
  /** Traces of a tenant outside the user's scope seen in a search: must stay empty. */
  leaks: string[];
}

export function userTally(): UserTally {
  return { search: new RequestStats(), trace: new RequestStats(), spans: new RequestStats(), answers: [], leaks: [] };
}

export class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  private absorb(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(`${this.baseUrl}${path}`, { ...init, redirect: "manual", headers: { ...init.headers, cookie } }).then((r) => {
      this.absorb(r);
      return r;
    });
  }

  /** Auth.js credentials over HTTP: CSRF token and cookie, then the form post; 302 with a session cookie. */
  async signIn(email: string, password: string): Promise<void> {
    const csrf = await this.fetch("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: `${this.baseUrl}/traces` });
    const res = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      body: form,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await res.arrayBuffer();
    if (res.status !== 302 || ![...this.cookies.keys()].some((k) => k.endsWith("authjs.session-token"))) {
      throw new Error(`sign-in of ${email} failed: HTTP ${res.status} to ${res.headers.get("location")}`);
    }
  }
}

interface Hit {
  traceId: string;
  tenantId: string;
}

/**
 * A person using the explorer: searches the last 15 minutes (all their tenants, or one), opens
 * a trace's header and streams its spans, pauses, repeats until `stopAt`.
 */
export async function browse(baseUrl: string, user: SoakUser, tally: UserTally, stopAt: () => boolean): Promise<void> {
  const session = new Session(baseUrl);
  await session.signIn(user.email, user.password);
  let round = 0;
  const call = async (route: string, stats: RequestStats, path: string): Promise<Response | undefined> => {
    const t0 = performance.now();
    try {
      const res = await session.fetch(path);
      // The whole body: the span stream is only done when its last line arrived.
      const body = await res.arrayBuffer();
      stats.record(res.status, performance.now() - t0);
      if (res.status !== 200) tally.answers.push({ at: Date.now(), route, outcome: res.status });
      return new Response(body, { status: res.status });
    } catch (error) {
      const outcome = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      stats.record(outcome);
      tally.answers.push({ at: Date.now(), route, outcome });
      return undefined;
    }
  };
  while (!stopAt()) {
    round++;
    const tenant = user.tenants?.[round % user.tenants.length];
    const query = new URLSearchParams({ range: "15m", limit: "20", ...(round % 2 === 0 && tenant ? { tenant } : {}) });
    const search = await call("search", tally.search, `/api/traces?${query}`);
    if (search?.status === 200) {
      const { traces } = (await search.json()) as { traces: Hit[] };
      for (const hit of traces) {
        if (user.tenants && !user.tenants.includes(hit.tenantId)) tally.leaks.push(`${user.email} saw ${hit.tenantId}/${hit.traceId}`);
      }
      const hit = traces[round % Math.max(1, traces.length)];
      if (hit) {
        const q = `?tenant=${encodeURIComponent(hit.tenantId)}`;
        await call("trace", tally.trace, `/api/traces/${hit.traceId}${q}`);
        await call("spans", tally.spans, `/api/traces/${hit.traceId}/spans${q}`);
      }
    }
    await sleep(300 + Math.random() * 400);
  }
}
