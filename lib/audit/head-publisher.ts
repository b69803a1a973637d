import "server-only";
import { getSql } from "@/lib/db/client";
import type { Sql } from "@/db/connect";
import { logger, type Logger } from "@trace-explorer/tracing/logger";
import { appendAuditHead, auditHeadFile, currentAuditHead, type AuditHead } from "./head";
import { auditKeyFromEnv } from "./mac";

export interface HeadPublisherOptions {
  sql: Sql;
  key: string;
  file: string;
  log: Logger;
  intervalMs?: number;
}

/**
 * One round: when the chain has grown since `lastSeq`, appends the sealed head to the file and
 * logs it (the log leaves the machine with the app's other lines). Returns what it published.
 */
export async function publishAuditHead(options: HeadPublisherOptions, lastSeq: number | null): Promise<AuditHead | null> {
  const head = await currentAuditHead(options.sql, options.key);
  if (!head || head.seq === lastSeq) return null;
  appendAuditHead(options.file, head);
  options.log.info({ audit_head: head }, `audit head seq ${head.seq} mac ${head.mac}`);
  return head;
}

/** Publishes now and then every minute; a failed round is logged and retried on the next. */
export function startAuditHeadPublisher(options: HeadPublisherOptions): { stop: () => void } {
  let lastSeq: number | null = null;
  const round = () =>
    publishAuditHead(options, lastSeq)
      .then((head) => {
        if (head) lastSeq = head.seq;
      })
      .catch((error: unknown) => options.log.warn({ err: error }, "could not publish the audit head"));
  void round();
  const timer = setInterval(() => void round(), options.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

// Next's dev server may evaluate instrumentation again; one publisher per process.
const globalForHead = globalThis as unknown as { traceExplorerAuditHead?: { stop: () => void } };

/** Started from instrumentation.ts in every app process. */
export function startAppAuditHeadPublisher(): void {
  if (globalForHead.traceExplorerAuditHead) return;
  const key = auditKeyFromEnv();
  if (!key) {
    logger.warn({}, "AUDIT_HMAC_KEY is not set: audit rows are chained but not keyed, and no head is published");
    return;
  }
  globalForHead.traceExplorerAuditHead = startAuditHeadPublisher({ sql: getSql(), key, file: auditHeadFile(), log: logger });
}
