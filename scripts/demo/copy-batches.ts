import type { Sql } from "../../db/connect";
import { CopyWriter } from "../../db/span-codec/copy-stream";
import { insertDemoLogs } from "./log-rows";
import type { DemoLogRecord } from "./trace-logs";
import { SPAN_COPY_COLUMNS, TRACE_COPY_COLUMNS } from "./trace-rows";

export interface Batch {
  /** The traces rows summarising the spans the batch wrote. */
  summaries: string;
  traces: number;
  spans: number;
  /** The log records of the batch's traces (none when the seed writes no logs). */
  logs: DemoLogRecord[];
}

export interface BatchSource {
  hasMore(): boolean;
  /** Writes one batch of span rows into the COPY and describes what it wrote. */
  fill(spans: CopyWriter): Promise<Batch>;
}

/**
 * Postgres, not the generator, is the bottleneck; two COPY streams use both cores of a
 * small machine (measured ~10% faster than one). Each needs a connection of the pool.
 */
const STREAMS = 2;

/**
 * Loads batches with COPY, one transaction per batch: the spans of a batch, their traces rows
 * and their logs commit together or not at all, so a search hit always has its spans.
 */
export async function copyBatches(sql: Sql, source: BatchSource, onBatch?: (done: { traces: number; spans: number }) => void): Promise<void> {
  const done = { traces: 0, spans: 0 };
  let failure: unknown = null;

  const stream = async () => {
    while (failure === null && source.hasMore()) {
      try {
        const batch = await sql.begin(async (tx) => {
          const spanCopy = await CopyWriter.open(tx, `COPY spans (${SPAN_COPY_COLUMNS}) FROM STDIN`);
          let filled: Batch;
          try {
            filled = await source.fill(spanCopy);
            await spanCopy.end();
          } catch (error) {
            spanCopy.abort(error instanceof Error ? error : new Error(String(error)));
            throw error;
          }
          const traceCopy = await CopyWriter.open(tx, `COPY traces (${TRACE_COPY_COLUMNS}) FROM STDIN`);
          traceCopy.write(filled.summaries);
          await traceCopy.end();
          await insertDemoLogs(tx, filled.logs);
          return filled;
        });
        done.traces += batch.traces;
        done.spans += batch.spans;
        onBatch?.({ ...done });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(STREAMS, sql.options.max)) }, stream));
  if (failure !== null) throw failure;
}
