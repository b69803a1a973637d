import { describe, expect, it } from "vitest";
import { StreamSlots } from "./stream-slots";

const limits = { total: 3, perUser: 2, spansPerMinute: 100_000, stallPenaltyMs: 60_000, retryAfterSeconds: 5 };

function slots() {
  let now = Date.UTC(2026, 0, 1);
  const s = new StreamSlots(limits, () => now);
  return { s, advance: (ms: number) => (now += ms) };
}

const acquire = (s: StreamSlots, user: string, spans = 10) => {
  const got = s.tryAcquire(user, spans);
  if ("refused" in got) throw new Error(`refused: ${got.refused.message}`);
  return got.release;
};

describe("StreamSlots", () => {
  it("caps downloads per user and in total, and frees a slot once on release", () => {
    const { s } = slots();
    const a1 = acquire(s, "a");
    acquire(s, "a");
    expect(s.refusal("a")).toEqual({ message: "too many trace downloads open at once; finish one or retry shortly", retryAfterSeconds: 5 });
    acquire(s, "b");
    expect(s.refusal("c")?.retryAfterSeconds).toBe(5);
    a1("completed");
    a1("completed");
    expect(s.inUse).toBe(2);
    expect(s.refusal("c")).toBeUndefined();
  });

  it("makes a user whose downloads stalled three times in a row wait, doubling for each further stall up to 16×, and forgives after a completed one", () => {
    const { s, advance } = slots();
    acquire(s, "a")("stalled");
    acquire(s, "a")("stalled");
    // A browser leaves a download unread now and then: no pause for that.
    expect(s.refusal("a")).toBeUndefined();
    acquire(s, "a")("stalled");
    expect(s.refusal("a")).toEqual({ message: "your last trace download was ended because it stopped reading; retry in 60 s", retryAfterSeconds: 60 });
    expect(s.refusal("b")).toBeUndefined();
    advance(60_000);
    acquire(s, "a")("stalled");
    expect(s.refusal("a")?.retryAfterSeconds).toBe(120);
    for (const wait of [120_000, 240_000, 480_000, 960_000]) {
      advance(wait);
      acquire(s, "a")("stalled");
    }
    expect(s.refusal("a")?.retryAfterSeconds).toBe(960);
    advance(960_000);
    acquire(s, "a")("completed");
    acquire(s, "a")("stalled");
    acquire(s, "a")("stalled");
    expect(s.refusal("a")).toBeUndefined();
  });

  it("does not charge a pause for a download the client closed or that failed", () => {
    const { s } = slots();
    acquire(s, "a")("other");
    acquire(s, "a")();
    expect(s.refusal("a")).toBeUndefined();
  });

  it("charges each download its spans: one over the allowance still starts, the next waits until the balance is positive", () => {
    const { s, advance } = slots();
    acquire(s, "a", 60_000)("completed");
    acquire(s, "a", 250_000)("completed");
    // 100,000 − 310,000 = −210,000: refilled at 100,000 a minute, positive after 2.1 minutes.
    expect(s.refusal("a")).toEqual({ message: "you started downloads of more than 100000 spans in the last minute; retry in 127 s", retryAfterSeconds: 127 });
    expect(s.refusal("b")).toBeUndefined();
    advance(126_000);
    expect(s.refusal("a")).toBeDefined();
    advance(1_000);
    expect(s.refusal("a")).toBeUndefined();
    // The balance never builds beyond one minute's allowance.
    advance(3_600_000);
    acquire(s, "a", 100_000)("completed");
    expect(s.refusal("a")).toBeDefined();
  });

  it("forgets settled users only, so a paused user stays paused however many others come", () => {
    const { s, advance } = slots();
    for (let i = 0; i < 3; i++) acquire(s, "paused")("stalled");
    for (let i = 0; i < 3_000; i++) acquire(s, `u${i}`)("completed");
    advance(1_000);
    expect(s.refusal("paused")?.retryAfterSeconds).toBe(59);
  });
});
