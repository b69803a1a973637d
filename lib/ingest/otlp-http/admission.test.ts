import { describe, expect, it } from "vitest";
import { IngestAdmission } from "./admission";

const limits = { maxConcurrent: 2, maxAdmitted: 6, maxAdmittedPerSource: 4, maxBufferedBytes: 100, maxBufferedBytesPerSource: 60 };

describe("ingest admission", () => {
  it("admits up to the per-source and total limits, and a released place is free again", () => {
    const admission = new IngestAdmission(limits);
    const a = Array.from({ length: 4 }, () => admission.tryAdmit("a")!);
    expect(admission.tryAdmit("a")).toBeUndefined();
    const b = [admission.tryAdmit("b")!, admission.tryAdmit("b")!];
    // Six admitted in all: even a new source waits for a place.
    expect(admission.tryAdmit("c")).toBeUndefined();
    a[0]!.release();
    a[0]!.release();
    expect(admission.tryAdmit("c")).toBeDefined();
    expect(admission.tryAdmit("c")).toBeUndefined();
    for (const x of [...a, ...b]) x.release();
  });

  it("holds body bytes within the total and per-source budgets, and frees them on release", () => {
    const admission = new IngestAdmission(limits);
    const a1 = admission.tryAdmit("a")!;
    const a2 = admission.tryAdmit("a")!;
    expect(a1.reserve(40)).toBe(true);
    // Source a may hold 60 bytes.
    expect(a2.reserve(30)).toBe(false);
    expect(a2.reserve(20)).toBe(true);
    const b = admission.tryAdmit("b")!;
    expect(b.reserve(41)).toBe(false);
    expect(b.reserve(40)).toBe(true);
    a1.release();
    expect(b.reserve(20)).toBe(true);
    expect(b.reserve(1)).toBe(false);
    const c = admission.tryAdmit("c")!;
    expect(c.reserve(20)).toBe(true);
    // 100 bytes held in all.
    expect(c.reserve(1)).toBe(false);
  });

  it("gives a freed slot to the waiting source holding the fewest, so a busy source cannot keep every slot", async () => {
    const admission = new IngestAdmission({ ...limits, maxAdmitted: 20, maxAdmittedPerSource: 10 });
    const order: string[] = [];
    const take = async (source: string) => {
      const admitted = admission.tryAdmit(source)!;
      await admitted.slot();
      order.push(source);
      return admitted;
    };
    const running = [await take("a"), await take("a")];
    // Five more of a wait, then one of b, then another of a.
    const waiting = [...Array.from({ length: 5 }, () => take("a")), take("b"), take("a")];
    expect(admission.inUse).toBe(2);
    running[0]!.release();
    await Promise.resolve();
    // b waited last but holds nothing: the slot is b's.
    expect(order.slice(2)).toEqual(["b"]);
    running[1]!.release();
    const all = await Promise.all(waiting.slice(0, 1));
    expect(order.slice(3)).toEqual(["a"]);
    expect(admission.inUse).toBe(2);
    all[0]!.release();
    (await waiting[5]!).release();
    for (const w of waiting.slice(1, 5)) (await w).release();
    (await waiting[6]!).release();
    expect(admission.inUse).toBe(0);
  });

  it("a request released while it waits gives up its place in the queue", async () => {
    const admission = new IngestAdmission({ ...limits, maxConcurrent: 1 });
    const holder = admission.tryAdmit("a")!;
    await holder.slot();
    const quitter = admission.tryAdmit("b")!;
    void quitter.slot();
    const next = admission.tryAdmit("c")!;
    let granted = false;
    void next.slot().then(() => (granted = true));
    quitter.release();
    holder.release();
    await Promise.resolve();
    expect(granted).toBe(true);
    expect(admission.inUse).toBe(1);
    next.release();
    expect(admission.inUse).toBe(0);
  });
});
