import { SpanKind } from "../../../db/span-codec/kind-and-status";
import { enqueueJob, insertOutboxEvent, relayOutboxEvent, type JobSpec } from "./async";
import { FAILURES } from "./failures";
import { BEGIN, cached, callService, COMMIT, db, externalCall, query, redis, ROLLBACK, type Served } from "./infra";
import type { TraceBuilder } from "../trace-builder";
import type { Handler } from "./web";

const INVOICES = query("SELECT", "invoices", "SELECT id, period_start, period_end, total_cents, status FROM invoices WHERE tenant_id = $1 ORDER BY period_start DESC LIMIT $2", 1_800);
const SUBSCRIPTION = query("SELECT", "subscriptions", "SELECT id, plan, seats, provider_ref FROM subscriptions WHERE tenant_id = $1 FOR UPDATE", 900);
const UPDATE_SUBSCRIPTION = query("UPDATE", "subscriptions", "UPDATE subscriptions SET plan = $1, seats = $2, updated_at = now() WHERE id = $3", 1_000);
const MARK_SYNCED = query("UPDATE", "subscriptions", "UPDATE subscriptions SET provider_synced_at = now() WHERE id = $1", 800);
const USAGE = query("SELECT", "usage_events", "SELECT date_trunc('day', at) AS day, metric, sum(quantity) FROM usage_events WHERE tenant_id = $1 AND at >= $2 GROUP BY 1, 2 ORDER BY 1", 350_000);

export const listInvoices: Handler = (t, api, at) =>
  callService(t, api, "billing-service", "GET", "/internal/invoices", at, (s, at) => ({
    end: cached(t, s, at, "invoices:?", 0.6, INVOICES),
    status: 200,
  }));

/** Usage report: an aggregate over raw usage events, the platform's usual slow request. */
export const usageReport: Handler = (t, api, at) =>
  callService(t, api, "billing-service", "GET", "/internal/usage", at, (s, at) => {
    let end = redis(t, s, at, "GET", "usage:?:?");
    if (t.rng.chance(0.3)) return { end, status: 200 };
    end = db(t, s, end + 30, USAGE, { slowdown: t.rng.chance(0.25) ? t.rng.between(3, 10) : 1 });
    end = t.leaf(s, "billing-service", "usage.aggregate", SpanKind.Internal, end + 20, t.latency(8_000, 0.6));
    return { end: redis(t, s, end + 20, "SET", "usage:?:? EX ?"), status: 200 };
  });

/**
 * Pushes a subscription change to the payments provider. The provider is flaky: the HTTP
 * client retries within an attempt, and the job itself retries with backoff, sometimes until
 * it is dead-lettered. `outage` says whether the provider is down for an attempt: by default
 * later attempts succeed more often, as an outage passes.
 */
const syncPaymentProvider = (outage: (t: TraceBuilder, attempt: number) => boolean = (t, attempt) => t.fails(0.35 / attempt)): JobSpec => ({
  name: "sync-payment-provider",
  queue: "billing",
  maxAttempts: 5,
  work: (t, span, at, attempt) => {
    let end = db(t, span, at, SUBSCRIPTION);
    const down = outage(t, attempt);
    const call = externalCall(
      t,
      span,
      end + 50,
      { method: "POST", host: "api.payments.example", route: "/v1/subscriptions/{id}", medianUs: 180_000, tries: 3 },
      () => (down ? { status: 503, timedOut: t.rng.chance(0.3) } : { status: 200, timedOut: false }),
    );
    if (!call.ok) return { end: call.end, failure: call.status === 504 ? FAILURES.providerTimeout : FAILURES.providerUnavailable };
    end = db(t, span, call.end + 40, MARK_SYNCED);
    return { end };
  },
});

const sendReceipt: JobSpec = {
  name: "send-receipt",
  queue: "mail",
  maxAttempts: 4,
  work: (t, span, at) => {
    const render = t.leaf(span, "job-worker", "mail.render", SpanKind.Internal, at, t.latency(3_000, 0.4));
    const sent = externalCall(
      t,
      span,
      render + 20,
      { method: "POST", host: "api.mail.example", route: "/v3/mail/send", medianUs: 90_000, tries: 1 },
      () => ({ status: t.fails(0.05) ? 429 : 202, timedOut: false }),
    );
    return sent.ok ? { end: sent.end } : { end: sent.end, failure: FAILURES.mailRejected };
  },
};

/** A subscription change, its provider sync run as `sync`. */
const subscriptionChange = (sync: JobSpec): Handler => (t, api, at) =>
  callService(t, api, "billing-service", "PUT", "/internal/subscription", at, (s, at): Served => {
    let end = db(t, s, at, BEGIN);
    end = db(t, s, end + 10, SUBSCRIPTION);
    if (t.fails(0.01)) {
      end = db(t, s, end + 10, UPDATE_SUBSCRIPTION, { failure: FAILURES.serializationFailure });
      return { end: db(t, s, end + 10, ROLLBACK), status: 500, failure: FAILURES.serializationFailure };
    }
    end = db(t, s, end + 10, UPDATE_SUBSCRIPTION);
    const event = insertOutboxEvent(t, s, end + 10, "subscription.changed");
    end = db(t, s, event.insertedAt + 10, COMMIT);
    relayOutboxEvent(t, event, end, [
      // The receipt goes out through a job enqueued by the event handler: request → event → job.
      { service: "notification-service", work: (t, span, at) => ({ end: enqueueJob(t, span, at, sendReceipt) }) },
    ]);
    end = enqueueJob(t, s, end + 20, sync);
    return { end, status: 200 };
  });

export const changeSubscription = subscriptionChange(syncPaymentProvider());

/** A subscription change while the payments provider is down longer than the sync job retries: it is dead-lettered. */
export const changeSubscriptionInOutage = subscriptionChange(syncPaymentProvider(() => true));
