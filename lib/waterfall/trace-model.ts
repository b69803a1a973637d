import type { SpanBatch } from "./span-binary-decoder";
import type { SpanChunk } from "./span-page";
import { formatSpanId, parseSpanId, SpanIndex } from "./span-ids";

/**
 * A whole trace in the browser, one slot per span in typed arrays (100,000 spans are a few
 * megabytes and no per-span objects), with the tree built once: children in start order.
 * Times are nanoseconds since the trace's start, the unit of lib/traces/trace/critical-path.ts.
 */
export interface TraceModel {
  size: number;
  /** Span ids as their high and low words (lib/waterfall/span-ids.ts); `spanIdOf` spells one. */
  idHi: Uint32Array;
  idLo: Uint32Array;
  indexOf: SpanIndex;
  /** Parent's index, or -1 for a root (no parent, or a parent that is not in the trace). */
  parent: Int32Array;
  start: Float64Array;
  duration: Float64Array;
  service: Uint16Array;
  services: string[];
  name: Uint32Array;
  names: string[];
  kind: Uint8Array;
  status: Uint8Array;
  /** Event times (ns since the trace's start) of the spans that have events. */
  events: Map<number, number[]>;
  /** The spans of this trace each span links to (follows-from), for the spans that have such links. */
  links: Map<number, number[]>;
  /** Roots in start order. */
  roots: Int32Array;
  /** Children of span i are childList[childOffset[i] .. childOffset[i + 1]), in start order. */
  childOffset: Int32Array;
  childList: Int32Array;
  depth: Uint16Array;
  /** 1 when the span is the last of its siblings (draws the └ of the indent guide). */
  last: Uint8Array;
  maxDepth: number;
  /** End of the latest span, ns since the trace's start. */
  end: number;
}

/** The span's 16-hex id. */
export function spanIdOf(model: Pick<TraceModel, "idHi" | "idLo">, span: number): string {
  return formatSpanId(model.idHi[span]!, model.idLo[span]!);
}

type Column = Uint32Array | Int32Array | Uint16Array | Uint8Array | Float64Array;

function resized<T extends Column>(column: T, length: number): T {
  const next = new (column.constructor as new (length: number) => T)(length);
  next.set(column.subarray(0, Math.min(length, column.length)) as never);
  return next;
}

/**
 * Accumulates chunks as they arrive; `build()` makes the model once all are in. The columns
 * are typed arrays from the start, sized for `expectedSpans` (the trace's summary count) and
 * doubled if the trace holds more.
 */
export class TraceModelBuilder {
  private n = 0;
  // Empty until the constructor's reserve: the one place that sizes every column.
  private idHi = new Uint32Array(0);
  private idLo = new Uint32Array(0);
  private parentHi = new Uint32Array(0);
  private parentLo = new Uint32Array(0);
  private hasParent = new Uint8Array(0);
  private starts = new Float64Array(0);
  private durations = new Float64Array(0);
  private serviceIdx = new Uint16Array(0);
  private nameIdx = new Uint32Array(0);
  private kinds = new Uint8Array(0);
  private statuses = new Uint8Array(0);
  /** Each span's parent as found when it arrived: its index, -1 for none, UNRESOLVED while its parent has not come. */
  private parents = new Int32Array(0);
  /** Over the columns themselves, so it is made again whenever reserve makes new ones. */
  private index = new SpanIndex(this.idHi, this.idLo);
  /** Spans whose parent had not come when they did. */
  private unresolved = 0;
  /** An id came twice: the parents found on arrival may name its earlier span. */
  private repeated = false;
  /** No span so far came before the one before it in start order (ties by id). */
  private ordered = true;
  private readonly events = new Map<number, number[]>();
  private readonly linkIds = new Map<number, string[]>();
  private readonly services: string[] = [];
  private readonly serviceIndex = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  constructor(expectedSpans = 0) {
    this.reserve(Math.max(64, expectedSpans));
  }

  get size(): number {
    return this.n;
  }

  /** Spans as NDJSON tuples; a span whose id is not 16 lowercase hex digits throws (the server writes no other). */
  add(chunk: SpanChunk): void {
    const base = this.n;
    this.reserve(base + chunk.length);
    for (const [id, parent, start, duration, service, name, kind, status, events, links] of chunk) {
      const i = this.n++;
      const words = parseSpanId(id);
      if (!words) throw new Error(`not a 16-hex span id: ${JSON.stringify(id)}`);
      [this.idHi[i], this.idLo[i]] = words;
      // A parent no span can have ("" or anything else) is no parent: either way the span is a root.
      const parentWords = parseSpanId(parent);
      if (parentWords) [this.parentHi[i], this.parentLo[i]] = parentWords;
      this.hasParent[i] = parentWords ? 1 : 0;
      this.starts[i] = start * 1000;
      this.durations[i] = duration;
      this.serviceIdx[i] = intern(service, this.services, this.serviceIndex);
      this.nameIdx[i] = intern(name, this.names, this.nameIndex);
      this.kinds[i] = kind;
      this.statuses[i] = status;
      if (events) this.events.set(i, events);
      if (links) this.linkIds.set(i, links);
    }
    this.arrived(base, this.n);
  }

  /** A frame of the binary stream (lib/traces/trace/span-binary-format.ts): the same spans `add` takes as tuples, without a JSON value per span. */
  addBatch(batch: SpanBatch): void {
    const base = this.n;
    const n = batch.n;
    this.reserve(base + n);
    // The frame's table holds services and names alike: each is interned where it is used, once.
    const services = new Int32Array(batch.strings.length).fill(-1);
    const names = new Int32Array(batch.strings.length).fill(-1);
    const service = (k: number) => (services[k]! >= 0 ? services[k]! : (services[k] = intern(batch.strings[k]!, this.services, this.serviceIndex)));
    const name = (k: number) => (names[k]! >= 0 ? names[k]! : (names[k] = intern(batch.strings[k]!, this.names, this.nameIndex)));
    const { ids, parents } = batch;
    for (let k = 0; k < n; k++) {
      const i = base + k;
      this.idHi[i] = ids[2 * k]!;
      this.idLo[i] = ids[2 * k + 1]!;
      this.parentHi[i] = parents[2 * k]!;
      this.parentLo[i] = parents[2 * k + 1]!;
      this.starts[i] = batch.startUs[k]! * 1000;
      this.serviceIdx[i] = service(batch.service[k]!);
      this.nameIdx[i] = name(batch.name[k]!);
    }
    this.hasParent.set(batch.hasParent, base);
    this.durations.set(batch.durationNs, base);
    this.kinds.set(batch.kind, base);
    this.statuses.set(batch.status, base);
    this.n += n;
    for (const [k, times] of batch.events) this.events.set(base + k, times);
    for (const [k, targets] of batch.links) this.linkIds.set(base + k, targets);
    this.arrived(base, this.n);
  }

  /**
   * Spans [from, to) just written: indexed by id, their parents looked up among the spans so far,
   * and their order checked, while the rest of the stream is still coming; `build` then has
   * little left to do.
   */
  private arrived(from: number, to: number): void {
    const { idHi, idLo, parentHi, parentLo, hasParent, starts, parents, index } = this;
    let { ordered, repeated, unresolved } = this;
    for (let i = from; i < to; i++) {
      if (index.add(i) >= 0) repeated = true;
      if (ordered && i > 0) ordered = (starts[i - 1]! - starts[i]! || idHi[i - 1]! - idHi[i]! || idLo[i - 1]! - idLo[i]!) <= 0;
      let p = -1;
      if (hasParent[i]) {
        p = index.find(parentHi[i]!, parentLo[i]!);
        if (p === i) p = -1;
        else if (p < 0) {
          p = UNRESOLVED;
          unresolved++;
        }
      }
      parents[i] = p;
    }
    this.ordered = ordered;
    this.repeated = repeated;
    this.unresolved = unresolved;
  }

  build(): TraceModel {
    const size = this.n;
    const fit = <T extends Column>(column: T) => (column.length === size ? column : resized(column, size));
    const { index } = this;
    const parent = this.parents.slice(0, size);
    // Parents that came after their children, and with a repeated id every parent: the id names
    // its last span, which may have come after the spans that found the first.
    if (this.repeated || this.unresolved > 0) {
      for (let i = 0; i < size; i++) {
        if (!this.repeated && parent[i] !== UNRESOLVED) continue;
        const p = this.hasParent[i] ? index.find(this.parentHi[i]!, this.parentLo[i]!) : -1;
        parent[i] = p === i ? -1 : p;
      }
    }
    const links = new Map<number, number[]>();
    for (const [i, ids] of this.linkIds) {
      const targets = ids.map((id) => index.get(id)).filter((t): t is number => t !== undefined && t !== i);
      if (targets.length > 0) links.set(i, targets);
    }
    return buildTree(
      {
        idHi: fit(this.idHi),
        idLo: fit(this.idLo),
        indexOf: index,
        parent,
        start: fit(this.starts),
        duration: fit(this.durations),
        service: fit(this.serviceIdx),
        services: this.services,
        name: fit(this.nameIdx),
        names: this.names,
        kind: fit(this.kinds),
        status: fit(this.statuses),
        events: this.events,
        links,
      },
      this.ordered,
    );
  }

  /** Room for `spans` spans in every column. */
  private reserve(spans: number): void {
    if (spans <= this.idHi.length) return;
    const capacity = Math.max(spans, 2 * this.idHi.length);
    this.idHi = resized(this.idHi, capacity);
    this.idLo = resized(this.idLo, capacity);
    this.parentHi = resized(this.parentHi, capacity);
    this.parentLo = resized(this.parentLo, capacity);
    this.hasParent = resized(this.hasParent, capacity);
    this.starts = resized(this.starts, capacity);
    this.durations = resized(this.durations, capacity);
    this.serviceIdx = resized(this.serviceIdx, capacity);
    this.nameIdx = resized(this.nameIdx, capacity);
    this.kinds = resized(this.kinds, capacity);
    this.statuses = resized(this.statuses, capacity);
    this.parents = resized(this.parents, capacity);
    this.index = new SpanIndex(this.idHi, this.idLo, this.n);
  }
}

/** A parent id no span so far has: looked up again once every span is in. */
const UNRESOLVED = -2;

function intern(value: string, list: string[], index: Map<string, number>): number {
  let i = index.get(value);
  if (i === undefined) {
    i = list.length;
    list.push(value);
    index.set(value, i);
  }
  return i;
}

type Columns = Omit<TraceModel, "size" | "roots" | "childOffset" | "childList" | "depth" | "last" | "maxDepth" | "end">;

/**
 * Children lists in start order (ties by id, so the order is stable), depths, and roots.
 * Spans caught in a parent cycle are reachable from no root; the first of each such group
 * in start order becomes a root, so every span is shown exactly once. `ordered`: the spans'
 * indexes are already in start order (the builder checked each as it arrived), so every list
 * filled in index order is too.
 */
export function buildTree(columns: Columns, ordered = false): TraceModel {
  const { parent, start, idHi, idLo } = columns;
  const size = parent.length;
  // Ties by id, high word then low: the order of the 16-hex ids as strings.
  const before = (a: number, b: number) => start[a]! - start[b]! || idHi[a]! - idHi[b]! || idLo[a]! - idLo[b]!;

  // Children grouped by parent in arrival order, then each group sorted on its own: groups are
  // small and usually already in order (spans arrive roughly in start order), which a check
  // finds in one pass, where one sort of all spans would cost n log n comparisons.
  const childOffset = new Int32Array(size + 1);
  for (let i = 0; i < size; i++) if (parent[i]! >= 0) childOffset[parent[i]! + 1]!++;
  for (let i = 0; i < size; i++) childOffset[i + 1]! += childOffset[i]!;
  const fill = childOffset.slice(0, size);
  const childList = new Int32Array(childOffset[size]!);
  const rootList: number[] = [];
  for (let i = 0; i < size; i++) {
    const p = parent[i]!;
    if (p < 0) rootList.push(i);
    else childList[fill[p]!++] = i;
  }
  if (!ordered) {
    for (let i = 0; i < size; i++) sortRange(childList, childOffset[i]!, childOffset[i + 1]!, before);
    rootList.sort(before);
  }

  const depth = new Uint16Array(size);
  let maxDepth = 0;
  // Every parent before its child (as a stream in start order has them): one pass gives the
  // depths, and no cycle can form. Otherwise a walk from the roots, which finds cycles.
  let parentsFirst = true;
  for (let i = 0; i < size && parentsFirst; i++) parentsFirst = parent[i]! < i;
  if (parentsFirst) {
    for (let i = 0; i < size; i++) {
      const p = parent[i]!;
      const d = p < 0 ? 0 : Math.min(depth[p]! + 1, 65535);
      depth[i] = d;
      if (d > maxDepth) maxDepth = d;
    }
  } else {
    const visited = new Uint8Array(size);
    const walk = (root: number) => {
      const stack = [root];
      depth[root] = 0;
      while (stack.length > 0) {
        const i = stack.pop()!;
        visited[i] = 1;
        const d = depth[i]!;
        if (d > maxDepth) maxDepth = d;
        for (let c = childOffset[i]!; c < childOffset[i + 1]!; c++) {
          const child = childList[c]!;
          if (visited[child]) continue;
          depth[child] = Math.min(d + 1, 65535);
          stack.push(child);
        }
      }
    };
    for (const r of rootList) walk(r);
    if (rootList.length < size) {
      const order = Int32Array.from({ length: size }, (_, i) => i).sort(before);
      for (let k = 0; k < size; k++) {
        const i = order[k]!;
        if (visited[i]) continue;
        parent[i] = -1;
        rootList.push(i);
        walk(i);
      }
      rootList.sort(before);
    }
  }

  const roots = Int32Array.from(rootList);
  const last = new Uint8Array(size);
  if (roots.length > 0) last[roots[roots.length - 1]!] = 1;
  for (let i = 0; i < size; i++) if (childOffset[i + 1]! > childOffset[i]!) last[childList[childOffset[i + 1]! - 1]!] = 1;

  let end = 0;
  for (let i = 0; i < size; i++) end = Math.max(end, start[i]! + columns.duration[i]!);
  return { ...columns, size, roots, childOffset, childList, depth, last, maxDepth, end };
}

function sortRange(list: Int32Array, from: number, to: number, before: (a: number, b: number) => number): void {
  for (let k = from + 1; k < to; k++) {
    if (before(list[k - 1]!, list[k]!) > 0) {
      list.subarray(from, to).sort(before);
      return;
    }
  }
}

export function childCount(model: TraceModel, span: number): number {
  return model.childOffset[span + 1]! - model.childOffset[span]!;
}
