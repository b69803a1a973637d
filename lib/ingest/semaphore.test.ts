import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore";

describe("Semaphore", () => {
  it("runs up to the limit, queues up to the queue size, and turns the rest away", async () => {
    const slots = new Semaphore(2, 1);
    const first = await slots.tryAcquire()!;
    const second = await slots.tryAcquire()!;
    const queued = slots.tryAcquire();
    expect(queued).toBeInstanceOf(Promise);
    expect(slots.tryAcquire()).toBeUndefined();

    let third: (() => void) | undefined;
    void queued!.then((release) => (third = release));
    await Promise.resolve();
    expect(third).toBeUndefined();
    first();
    await new Promise((r) => setTimeout(r, 0));
    // The freed slot went to the waiter: still two running, and room in the queue again.
    expect(third).toBeTypeOf("function");
    expect(slots.inUse).toBe(2);
    expect(slots.tryAcquire()).toBeInstanceOf(Promise);
    second();
    third!();
  });

  it("ignores a second release of the same slot", async () => {
    const slots = new Semaphore(1, 0);
    const release = await slots.tryAcquire()!;
    release();
    release();
    expect(slots.inUse).toBe(0);
    const again = await slots.tryAcquire()!;
    expect(slots.inUse).toBe(1);
    expect(slots.tryAcquire()).toBeUndefined();
    again();
  });
});
