import { describe, expect, it } from "vitest";
import { chartGrains, coverWindow, type Piece, signedCover } from "./tiers";

const at = (s: string) => new Date(`2026-01-02T${s}:00.000Z`);
const show = (p: Piece) => `${p.sign < 0 ? "-" : ""}${p.grain}:${p.from.toISOString().slice(11, 16)}-${p.to.toISOString().slice(11, 16)}`;
const MINUTE = 60_000;

/** How many times the pieces count the minute starting at t, with their signs. */
const counted = (pieces: Piece[], t: number) => pieces.reduce((n, p) => n + (p.from.getTime() <= t && t < p.to.getTime() ? p.sign : 0), 0);

describe("covering a window with rollup grains", () => {
  it("reads whole hours at the hour grain and the edges by the minute", () => {
    expect(coverWindow(at("01:10"), at("04:30"), [60]).map(show)).toEqual(["1:01:10-02:00", "60:02:00-04:00", "1:04:00-04:30"]);
  });

  it("falls back to finer grains when no whole period fits, and leaves no gap or overlap", () => {
    expect(coverWindow(at("01:10"), at("01:50"), [60, 15]).map(show)).toEqual(["1:01:10-01:15", "15:01:15-01:45", "1:01:45-01:50"]);
    const pieces = coverWindow(new Date("2026-01-02T00:07:31Z"), at("23:59"), [60, 15]);
    expect(pieces[0]!.from.toISOString()).toBe("2026-01-02T00:07:00.000Z");
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toEqual(pieces[i - 1]!.to);
  });

  it("covers a rolling day with six-hour blocks, then hours, then minutes", () => {
    const pieces = coverWindow(new Date("2026-01-01T13:20:00Z"), new Date("2026-01-02T13:20:00Z"), [360, 60]);
    expect(pieces.map(show)).toEqual(["1:13:20-14:00", "60:14:00-18:00", "360:18:00-12:00", "60:12:00-13:00", "1:13:00-13:20"]);
  });

  it("lets a chart read only grains that fit its step", () => {
    expect(chartGrains(15, true)).toEqual([15]);
    expect(chartGrains(5, true)).toEqual([]);
    expect(chartGrains(180, false)).toEqual([60]);
    expect(chartGrains(30, false)).toEqual([]);
    expect(chartGrains(720, false)).toEqual([360, 60]);
  });

  it("subtracts what lies outside the window when a whole period and the rest read fewer rows", () => {
    // A rolling day ending 43 minutes into an hour: each edge is its hour less 17 minutes.
    const pieces = signedCover(new Date("2026-01-01T21:43:00Z"), new Date("2026-01-02T21:43:00Z"), [360, 60]);
    expect(pieces.map(show)).toEqual(["1:21:43-22:00", "60:22:00-00:00", "360:00:00-18:00", "60:18:00-22:00", "-1:21:43-22:00"]);
    expect(signedCover(at("00:00"), new Date("2026-01-03T00:00:00Z"), [360, 60]).map(show)).toEqual(["360:00:00-00:00"]);
    expect(signedCover(at("01:10"), at("01:30"), [60]).map(show)).toEqual(["1:01:10-01:30"]);
    expect(signedCover(at("01:10"), at("01:50"), [60]).map(show)).toEqual(["-1:01:00-01:10", "60:01:00-02:00", "-1:01:50-02:00"]);
  });

  it("counts every minute of the window once and none outside it, whatever the edges", () => {
    const base = new Date("2026-01-02T00:00:00Z").getTime();
    for (let i = 0; i < 200; i++) {
      // Deterministic spread of starts and lengths (minutes) over two days.
      const from = base + ((i * 7919) % 2880) * MINUTE;
      const to = from + (1 + ((i * 104729) % 2000)) * MINUTE;
      const pieces = signedCover(new Date(from), new Date(to), [360, 60]);
      for (const p of pieces) expect((p.to.getTime() - p.from.getTime()) % (p.grain * MINUTE)).toBe(0);
      for (let t = from - 6 * 60 * MINUTE; t < to + 6 * 60 * MINUTE; t += MINUTE) expect(counted(pieces, t)).toBe(t >= from && t < to ? 1 : 0);
    }
  });
});
