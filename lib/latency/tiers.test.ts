import { describe, expect, it } from "vitest";
import { chartGrains, coverWindow } from "./tiers";

const at = (s: string) => new Date(`2026-01-02T${s}:00.000Z`);
const show = (p: { grain: number; from: Date; to: Date }) => `${p.grain}:${p.from.toISOString().slice(11, 16)}-${p.to.toISOString().slice(11, 16)}`;

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
});
