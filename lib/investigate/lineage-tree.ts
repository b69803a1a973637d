/**
 * Job lineage of one trace, pure: which request (or scheduled root) started which jobs and
 * events, and which of those started further work (ADR-012: a job's consumer span continues
 * the request's trace under the producer span; an outbox event's relay and handlers continue
 * the trace of the span that wrote the event).
 */
export interface LineageSpan {
  /** 16-hex span id. */
  id: string;
  parentId: string | null;
  service: string;
  name: string;
  /** OTLP SpanKind: 4 producer, 5 consumer. */
  kind: number;
  start: Date;
  durationNs: bigint;
  failed: boolean;
  jobId: string | null;
  jobName: string | null;
  jobQueue: string | null;
  jobAttempt: number | null;
  jobOutcome: string | null;
  eventId: string | null;
  eventName: string | null;
}

export type LineageOutcome = "succeeded" | "failed" | "retrying" | "pending";

export interface LineageHandler {
  service: string;
  spanId: string;
  failed: boolean;
}

export interface LineageNode {
  kind: "request" | "job" | "event";
  /** Request id (or the root span id when the trace has none), job id or event id. */
  id: string;
  name: string;
  service: string;
  /** The span to open: the root, the job's enqueue (else first attempt), the event's publish. */
  spanId: string;
  start: Date;
  outcome: LineageOutcome;
  /** Jobs: attempts that ran. */
  attempts: number;
  queue: string | null;
  /** Events: each subscriber that handled it. */
  handlers: LineageHandler[];
  /** Depth in the tree: 0 for the request. */
  depth: number;
  /** The node that triggered this one; null for the request. */
  parent: string | null;
}

const keyOf = (kind: LineageNode["kind"], id: string) => `${kind}:${id}`;

interface Draft {
  node: Omit<LineageNode, "depth" | "parent" | "outcome" | "attempts" | "handlers" | "spanId" | "start">;
  spans: LineageSpan[];
}

function jobOutcome(attempts: LineageSpan[]): LineageOutcome {
  const last = attempts.reduce<LineageSpan | undefined>(
    (best, s) => (!best || (s.jobAttempt ?? 0) > (best.jobAttempt ?? 0) || ((s.jobAttempt ?? 0) === (best.jobAttempt ?? 0) && s.start > best.start) ? s : best),
    undefined,
  );
  if (!last) return "pending";
  if (!last.failed) return "succeeded";
  return last.jobOutcome === "retry_scheduled" ? "retrying" : "failed";
}

/**
 * The lineage tree of one trace's spans, flattened depth-first (children by start time).
 * `requestId` names the request node; a trace without a root span has no request node and
 * its top-level jobs and events hang at depth 0.
 */
export function buildLineage(spans: readonly LineageSpan[], requestId: string | null): LineageNode[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const root = spans.filter((s) => s.parentId === null || !byId.has(s.parentId)).sort((a, b) => a.start.getTime() - b.start.getTime())[0];
  const drafts = new Map<string, Draft>();
  const ownerOf = new Map<string, string>();

  const add = (key: string, span: LineageSpan, node: Draft["node"]) => {
    const draft = drafts.get(key) ?? { node, spans: [] };
    draft.spans.push(span);
    drafts.set(key, draft);
    ownerOf.set(span.id, key);
  };
  for (const s of spans) {
    if (s.jobId) add(keyOf("job", s.jobId), s, { kind: "job", id: s.jobId, name: s.jobName ?? s.name, service: s.service, queue: s.jobQueue });
    else if (s.eventId) add(keyOf("event", s.eventId), s, { kind: "event", id: s.eventId, name: s.eventName ?? s.name, service: s.service, queue: null });
  }
  const rootKey = root && !ownerOf.has(root.id) ? keyOf("request", requestId ?? root.id) : null;
  if (root && rootKey) add(rootKey, root, { kind: "request", id: requestId ?? root.id, name: root.name, service: root.service, queue: null });

  const nodes = new Map<string, LineageNode>();
  for (const [key, { node, spans: own }] of drafts) {
    const sorted = [...own].sort((a, b) => a.start.getTime() - b.start.getTime());
    const attempts = sorted.filter((s) => s.jobAttempt !== null);
    const handlers = sorted.filter((s) => s.kind === 5);
    // The span where this node entered the trace: enqueue, publish, else the earliest.
    const entry =
      node.kind === "job"
        ? (sorted.find((s) => s.jobAttempt === null && s.kind === 4) ?? sorted[0]!)
        : node.kind === "event"
          ? (sorted.find((s) => s.kind === 4) ?? sorted[0]!)
          : sorted[0]!;
    let parent: string | null = null;
    // Bounded: parent ids come from outside and may form a cycle.
    let steps = spans.length;
    for (let at = entry.parentId ? byId.get(entry.parentId) : undefined; at && steps-- > 0; at = at.parentId ? byId.get(at.parentId) : undefined) {
      const owner = ownerOf.get(at.id);
      if (owner && owner !== key) {
        parent = owner;
        break;
      }
    }
    if (parent === null && key !== rootKey) parent = rootKey;
    nodes.set(key, {
      ...node,
      spanId: entry.id,
      start: entry.start,
      attempts: attempts.length,
      handlers: handlers.map((h) => ({ service: h.service, spanId: h.id, failed: h.failed })),
      outcome:
        node.kind === "job"
          ? jobOutcome(attempts)
          : node.kind === "event"
            ? handlers.length === 0
              ? "pending"
              : handlers.some((h) => h.failed)
                ? "failed"
                : "succeeded"
            : entry.failed
              ? "failed"
              : "succeeded",
      depth: 0,
      parent,
    });
  }

  const children = new Map<string | null, LineageNode[]>();
  for (const node of nodes.values()) {
    const list = children.get(node.parent) ?? [];
    list.push(node);
    children.set(node.parent, list);
  }
  const out: LineageNode[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const node of (children.get(parent) ?? []).sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id))) {
      out.push({ ...node, depth });
      visit(keyOf(node.kind, node.id), depth + 1);
    }
  };
  visit(null, 0);
  return out;
}
