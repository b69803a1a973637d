import { describe, expect, it } from "vitest";
import { reconnectDelaySeconds } from "./connect";

describe("reconnectDelaySeconds", () => {
  it("never waits more than a second, however many connections failed during an outage", () => {
    for (let retries = 0; retries <= 1000; retries++) {
      const delay = reconnectDelaySeconds(retries);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1);
    }
  });

  it("starts short after the first failures", () => {
    expect(reconnectDelaySeconds(1)).toBeLessThanOrEqual(0.1);
  });
});
