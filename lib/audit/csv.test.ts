import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("csvCell", () => {
  it("leaves plain values alone and writes null as empty", () => {
    expect(csvCell("trace.search")).toBe("trace.search");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(new Date("2026-01-02T03:04:05.678Z"))).toBe("2026-01-02T03:04:05.678Z");
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])("defuses a formula: %j", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it("quotes a cell starting with CR after defusing it", () => {
    expect(csvCell("\r=1")).toBe("\"'\r=1\"");
  });

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
  });

  it.each([
    ["x;=cmd|' /C calc'!A0", `"x;'=cmd|' /C calc'!A0"`],
    ["a; +1;-2;@SUM(A1)", `"a; '+1;'-2;'@SUM(A1)"`],
    ["=1;=2", `"'=1;'=2"`],
  ])("defuses a formula after a semicolon, where a ;-splitting spreadsheet starts a cell: %j", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it("what a ;-splitting reader makes of the line starts no cell with a formula character", () => {
    const line = csvLine(["1", "x;=cmd|' /C calc'!A0", "ua;@SUM(1)"]);
    expect(line.trimEnd().split(";").slice(1).every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
  });

  it("leaves a semicolon followed by anything else alone", () => {
    expect(csvCell("a;b")).toBe('"a;b"');
  });

  it("writes objects as JSON, quoted", () => {
    expect(csvCell({ a: 1, b: "x" })).toBe('"{""a"":1,""b"":""x""}"');
  });
});

describe("csvLine", () => {
  it("joins cells with commas and ends with CRLF", () => {
    expect(csvLine(["a", null, "b,c", "-2"])).toBe('a,,"b,c",\'-2\r\n');
  });
});
