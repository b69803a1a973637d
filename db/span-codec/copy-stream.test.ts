import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-db";
import { CopyWriter } from "./copy-stream";
import { copyNullable, copyText } from "./copy-text";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`CREATE TABLE copy_probe (n int NOT NULL, s text)`;
});
afterAll(async () => {
  await t?.drop();
});

describe("CopyWriter", () => {
  it("round-trips text with tabs, newlines, backslashes and NULL", async () => {
    const values = ["plain", "tab\there", "line\nbreak", "back\\slash \\N", "", null];
    const copy = await CopyWriter.open(t.sql, "COPY copy_probe (n, s) FROM STDIN");
    values.forEach((v, i) => copy.write(`${i}\t${copyNullable(v)}\n`));
    await copy.end();
    const rows = await t.sql`SELECT s FROM copy_probe ORDER BY n`;
    expect(rows.map((r) => r.s)).toEqual(values);
  });

  it("rejects, instead of hanging, when the server refuses the last rows", async () => {
    const copy = await CopyWriter.open(t.sql, "COPY copy_probe (n, s) FROM STDIN");
    copy.write(`100\t${copyText("fine")}\nnot-a-number\tbad\n`);
    await expect(copy.end()).rejects.toThrow(/invalid input syntax for type integer/);
    // The failed COPY wrote nothing and the connection is usable again.
    const [row] = await t.sql`SELECT count(*)::int AS n FROM copy_probe WHERE n = 100`;
    expect(row!.n).toBe(0);
  });

  it("rejects when the server refuses a row in the middle of a long COPY", async () => {
    const copy = await CopyWriter.open(t.sql, "COPY copy_probe (n, s) FROM STDIN");
    const run = async () => {
      copy.write("oops\tbad\n");
      for (let i = 0; i < 400; i++) {
        copy.write(`${1000 + i}\t${"x".repeat(10_000)}\n`);
        await copy.flushIfFull();
      }
      await copy.end();
    };
    await expect(run()).rejects.toThrow(/invalid input syntax/);
    const [row] = await t.sql`SELECT count(*)::int AS n FROM copy_probe WHERE n >= 1000`;
    expect(row!.n).toBe(0);
  });
});
