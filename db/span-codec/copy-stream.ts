import type { Writable } from "node:stream";
import type { Sql } from "../connect";

/** A client or a transaction: anything that can run a statement. */
type Runner = Pick<Sql, "unsafe">;

/** Characters gathered before one socket write: few, large writes keep Nagle's delay out. */
const CHUNK_CHARS = 1 << 20;

interface RejectableQuery {
  reject?: (error: unknown) => void;
}

/**
 * A `COPY … FROM STDIN` in progress. Rows are appended as text and sent in large chunks,
 * honouring the socket's backpressure; `end` resolves once the server has accepted every row.
 */
export class CopyWriter {
  private buffer = "";
  private failure: Error | null = null;
  private readonly finished: Promise<void>;

  private constructor(
    private readonly stream: Writable,
    query: RejectableQuery,
  ) {
    let resolveFinished!: () => void;
    let rejectFinished!: (error: Error) => void;
    this.finished = new Promise<void>((resolve, reject) => {
      resolveFinished = resolve;
      rejectFinished = reject;
    });
    // A failure nobody awaits yet must not crash the process; the next call reports it.
    this.finished.catch(() => {});
    const fail = (error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      rejectFinished(this.failure);
    };
    stream.on("error", fail);
    stream.once("finish", () => resolveFinished());
    // The server reports a rejected row only after CopyDone, and postgres.js 3.4.9 then never
    // settles the stream (porsager/postgres#1173): the error only reaches the query's reject,
    // which has already resolved with the stream. Hook it, so a bad row fails, not hangs.
    const original = query.reject;
    query.reject = (error) => {
      original?.(error);
      fail(error);
    };
  }

  static async open(sql: Runner, statement: string): Promise<CopyWriter> {
    const query = sql.unsafe(statement);
    const stream = await query.writable();
    return new CopyWriter(stream, query as unknown as RejectableQuery);
  }

  write(text: string): void {
    this.buffer += text;
  }

  /** Sends the buffer once it is large; awaiting it lets the server catch up. */
  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  /**
   * Sends rows as they are, after anything buffered: pre-rendered bytes (the benchmark replays
   * rows this way), or text kept in chunks under V8's large-object size (copy-text.ts).
   */
  async send(chunk: string | Buffer): Promise<void> {
    await this.flush();
    await this.writeToSocket(chunk);
  }

  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await this.finished;
  }

  /** Abandons the COPY: the server discards every row it received. */
  abort(reason: Error): void {
    if (!this.stream.destroyed) this.stream.destroy(reason);
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    await this.writeToSocket(chunk);
  }

  private async writeToSocket(chunk: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(chunk)) {
      await Promise.race([new Promise((resolve) => this.stream.once("drain", resolve)), this.finished]);
    }
    if (this.failure) throw this.failure;
  }
}
