import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import ts from "typescript";
import { root } from "./browser-app";

// The waterfall's span loading (stream read, decoded, model built) as the page did it when
// issue 22 was filed (NDJSON, the last commit before the binary stream) and as it does now,
// both run in the benchmark's page on the same trace. The production bundle is not touched:
// the modules are transpiled here and evaluated in the page (through the DevTools protocol).

/** The last commit whose waterfall read the NDJSON stream. */
export const NDJSON_WATERFALL_COMMIT = "9e91895^";

function source(file: string, commit: string | null): string {
  return commit ? execFileSync("git", ["show", `${commit}:${file}`], { cwd: root, encoding: "utf8" }) : fs.readFileSync(path.join(root, file), "utf8");
}

/** The files (each importing only the ones before it) as one expression holding `exported`. */
function pageScript(files: string[], commit: string | null, exported: string[]): string {
  const body = files
    .map((file) => ts.transpileModule(source(file, commit), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText)
    .map((js) => js.replace(/^import\s[\s\S]*?;\s*$/gm, "").replace(/^export (?=const|function|class|let)/gm, ""))
    .join("\n");
  return `(() => {\n${body}\nreturn { ${exported.join(", ")} };\n})()`;
}

/** Defines `__todayModel` and `__nowModel` in the page (gone at its next navigation). */
export async function installModelLoaders(page: Page): Promise<void> {
  const today = pageScript(["lib/waterfall/trace-model.ts"], NDJSON_WATERFALL_COMMIT, ["TraceModelBuilder"]);
  const now = pageScript(
    ["lib/traces/trace/span-binary-format.ts", "lib/waterfall/span-ids.ts", "lib/waterfall/span-binary-decoder.ts", "lib/waterfall/trace-model.ts"],
    null,
    ["TraceModelBuilder", "SpanStreamDecoder"],
  );
  await page.evaluate(`globalThis.__todayModel = ${today}; globalThis.__nowModel = ${now}; undefined`);
}

interface Builder {
  add(chunk: unknown): void;
  addBatch(batch: unknown): void;
  build(): { size: number };
}
interface Loaders {
  __todayModel: { TraceModelBuilder: new () => Builder };
  __nowModel: { TraceModelBuilder: new (expected: number) => Builder; SpanStreamDecoder: new (onBatch: (b: unknown) => void) => { push(b: Uint8Array): void; end(): void } };
}

/**
 * Milliseconds to load the trace's model in the page, fetch to built model: today's NDJSON
 * read (components/waterfall/use-trace-model.ts of NDJSON_WATERFALL_COMMIT, line by line) and
 * the current binary one. `installModelLoaders` first.
 */
export async function modelLoadMs(page: Page, traceId: string, spanCount: number, form: "today" | "now"): Promise<number> {
  return page.evaluate(
    async ([id, expected, which]) => {
      const g = globalThis as unknown as Loaders;
      const started = performance.now();
      const url = `/api/traces/${id}/spans?tenant=acme&format=${which === "today" ? "ndjson" : "binary"}`;
      const response = await fetch(url, { cache: "no-store" });
      let size: number;
      if (which === "today") {
        const builder = new g.__todayModel.TraceModelBuilder();
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let pending = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          pending += value;
          let newline = pending.indexOf("\n");
          if (newline < 0) continue;
          let from = 0;
          for (; newline >= 0; newline = pending.indexOf("\n", from)) {
            builder.add(JSON.parse(pending.slice(from, newline)));
            from = newline + 1;
          }
          pending = pending.slice(from);
        }
        size = builder.build().size;
      } else {
        const builder = new g.__nowModel.TraceModelBuilder(expected);
        const decoder = new g.__nowModel.SpanStreamDecoder((batch) => builder.addBatch(batch));
        const reader = response.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          decoder.push(value);
        }
        decoder.end();
        size = builder.build().size;
      }
      if (size !== expected) throw new Error(`${which}: ${size} spans, expected ${expected}`);
      return performance.now() - started;
    },
    [traceId, spanCount, form] as const,
  );
}
