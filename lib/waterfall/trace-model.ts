import type { SpanBatch } from "./span-binary-decoder";
import type { SpanChunk } from "./span-page";

/**
 * A whole trace in the browser, one slot per span in typed arrays (100,000 spans are a few
 * megabytes and no per-span objects), with the tree built once: children in start order.
 * Times are nanoseconds since the trace's start, the unit of lib/traces/trace/critical-path.ts.
 */
export interface TraceModel {
  size: number;
  ids: string[];
  indexOf: Map<string, number>;
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

/** Accumulates chunks as they arrive; `build()` makes the model once all are in. */
export class TraceModelBuilder {
  private readonly ids: string[] = [];
  private readonly parents: string[] = [];
  private readonly starts: number[] = [];
  private readonly durations: number[] = [];
  private readonly serviceIdx: number[] = [];
  private readonly nameIdx: number[] = [];
  private readonly kinds: number[] = [];
  private readonly statuses: number[] = [];
  private readonly events = new Map<number, number[]>();
  private readonly linkIds = new Map<number, string[]>();
  private readonly services: string[] = [];
  private readonly serviceIndex = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  get size(): number {
    return this.ids.length;
  }

  add(chunk: SpanChunk): void {
    for (const [id, parent, start, duration, service, name, kind, status, events, links] of chunk) {
      if (events) this.events.set(this.ids.length, events);
      if (links) this.linkIds.set(this.ids.length, links);
      this.ids.push(id);
      this.parents.push(parent);
      this.starts.push(start * 1000);
      this.durations.push(duration);
      this.serviceIdx.push(intern(service, this.services, this.serviceIndex));
      this.nameIdx.push(intern(name, this.names, this.nameIndex));
      this.kinds.push(kind);
      this.statuses.push(status);
    }
  }

  /** A frame of the binary stream (lib/traces/trace/span-binary-format.ts): the same spans `add` takes as tuples, without a JSON value per span. */
  addBatch(batch: SpanBatch): void {
    const base = this.ids.length;
    // The frame's table holds services and names alike: each is interned where it is used, once.
    const services = new Int32Array(batch.strings.length).fill(-1);
    const names = new Int32Array(batch.strings.length).fill(-1);
    const service = (k: number) => (services[k]! >= 0 ? services[k]! : (services[k] = intern(batch.strings[k]!, this.services, this.serviceIndex)));
    const name = (k: number) => (names[k]! >= 0 ? names[k]! : (names[k] = intern(batch.strings[k]!, this.names, this.nameIndex)));
    const n = batch.ids.length;
    for (let i = 0; i < n; i++) {
      this.ids.push(batch.ids[i]!);
      this.parents.push(batch.parents[i]!);
      this.starts.push(batch.startUs[i]! * 1000);
      this.durations.push(batch.durationNs[i]!);
      this.serviceIdx.push(service(batch.service[i]!));
      this.nameIdx.push(name(batch.name[i]!));
      this.kinds.push(batch.kind[i]!);
      this.statuses.push(batch.status[i]!);
    }
    for (const [i, times] of batch.events) this.events.set(base + i, times);
    for (const [i, targets] of batch.links) this.linkIds.set(base + i, targets);
  }

  build(): TraceModel {
    const size = this.ids.length;
    const indexOf = new Map<string, number>();
    for (let i = 0; i < size; i++) indexOf.set(this.ids[i]!, i);
    const parent = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const p = this.parents[i]!;
      const pi = p === "" ? undefined : indexOf.get(p);
      parent[i] = pi === undefined || pi === i ? -1 : pi;
    }
    const links = new Map<number, number[]>();
    for (const [i, ids] of this.linkIds) {
      const targets = ids.map((id) => indexOf.get(id)).filter((t): t is number => t !== undefined && t !== i);
      if (targets.length > 0) links.set(i, targets);
    }
    return buildTree({
      ids: this.ids,
      indexOf,
      parent,
      start: Float64Array.from(this.starts),
      duration: Float64Array.from(this.durations),
      service: Uint16Array.from(this.serviceIdx),
      services: this.services,
      name: Uint32Array.from(this.nameIdx),
      names: this.names,
      kind: Uint8Array.from(this.kinds),
      status: Uint8Array.from(this.statuses),
      events: this.events,
      links,
    });
  }
}

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
 * in start order becomes a root, so every span is shown exactly once.
 */
export function buildTree(columns: Columns): TraceModel {
  const { parent, start, ids } = columns;
  const size = parent.length;
  const before = (a: number, b: number) => start[a]! - start[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0);

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
  for (let i = 0; i < size; i++) sortRange(childList, childOffset[i]!, childOffset[i + 1]!, before);
  rootList.sort(before);

  const depth = new Uint16Array(size);
  const visited = new Uint8Array(size);
  let maxDepth = 0;
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
