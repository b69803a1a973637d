import type { TraceModel } from "./trace-model";

/**
 * Spans whose name or service contains `text` (any case), plus the `extra` ones (attribute
 * matches from the server), in tree order (`order` is each span's position in the fully
 * expanded tree). Names are tested once per distinct name, not once per span.
 */
export function matchSpans(model: TraceModel, text: string, order: Int32Array, extra: readonly string[] = []): Int32Array {
  const needle = text.trim().toLowerCase();
  if (needle === "") return new Int32Array(0);
  const nameHit = model.names.map((n) => n.toLowerCase().includes(needle));
  const serviceHit = model.services.map((s) => s.toLowerCase().includes(needle));
  const hit = new Uint8Array(model.size);
  for (let i = 0; i < model.size; i++) if (nameHit[model.name[i]!] || serviceHit[model.service[i]!]) hit[i] = 1;
  for (const id of extra) {
    const i = model.indexOf.get(id);
    if (i !== undefined) hit[i] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < model.size; i++) if (hit[i]) out.push(i);
  return Int32Array.from(out).sort((a, b) => order[a]! - order[b]!);
}
