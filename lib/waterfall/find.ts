import { STATUS_ERROR } from "./span-page";
import type { TraceModel } from "./trace-model";

const STATUS_LABELS = ["unset", "ok", "error"];

/**
 * Whether `needle` names a status: the label itself ("error"), "status:error", or a prefix of
 * at least three letters ("err"). Looser matching would make "o" or "e" select every span.
 */
function statusHit(label: string, needle: string): boolean {
  return needle === label || needle === `status:${label}` || (needle.length >= 3 && label.startsWith(needle));
}

/**
 * Spans whose name, service or status matches `text` (any case), plus the `extra` ones
 * (attribute, event and status-message matches from the server), in tree order (`order` is
 * each span's position in the fully expanded tree). With `errorsOnly`, only spans with ERROR
 * status are kept, and an empty text matches every one of them. Names are tested once per
 * distinct name, not once per span.
 */
export function matchSpans(model: TraceModel, text: string, order: Int32Array, extra: readonly string[] = [], errorsOnly = false): Int32Array {
  const needle = text.trim().toLowerCase();
  if (needle === "") return errorsOnly ? errorSpans(model, order) : new Int32Array(0);
  const nameHit = model.names.map((n) => n.toLowerCase().includes(needle));
  const serviceHit = model.services.map((s) => s.toLowerCase().includes(needle));
  const statusHits = STATUS_LABELS.map((label) => statusHit(label, needle));
  const hit = new Uint8Array(model.size);
  for (let i = 0; i < model.size; i++) if (nameHit[model.name[i]!] || serviceHit[model.service[i]!] || statusHits[model.status[i]!]) hit[i] = 1;
  for (const id of extra) {
    const i = model.indexOf.get(id);
    if (i !== undefined) hit[i] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < model.size; i++) if (hit[i] && (!errorsOnly || model.status[i] === STATUS_ERROR)) out.push(i);
  return Int32Array.from(out).sort((a, b) => order[a]! - order[b]!);
}

/** Every span with ERROR status, in tree order. */
export function errorSpans(model: TraceModel, order: Int32Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < model.size; i++) if (model.status[i] === STATUS_ERROR) out.push(i);
  return Int32Array.from(out).sort((a, b) => order[a]! - order[b]!);
}

/**
 * The span of `list` (in tree order) after (`delta` 1) or before (-1) span `from` in tree
 * order, wrapping around; from no span (-1) the first or the last. -1 when the list is empty.
 */
export function stepFrom(list: Int32Array, order: Int32Array, from: number, delta: 1 | -1): number {
  if (list.length === 0) return -1;
  if (from < 0) return delta === 1 ? list[0]! : list[list.length - 1]!;
  const at = order[from]!;
  // Binary search for the first listed span at or after `from` in tree order.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order[list[mid]!]! < at) lo = mid + 1;
    else hi = mid;
  }
  if (delta === 1) {
    const next = lo < list.length && list[lo] === from ? lo + 1 : lo;
    return list[next % list.length]!;
  }
  return list[(lo - 1 + list.length) % list.length]!;
}
