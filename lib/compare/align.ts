import type { TraceModel } from "@/lib/waterfall/trace-model";

/** What the alignment reads of each trace: its tree and each span's key and timing. */
export type AlignedTrace = Pick<TraceModel, "size" | "roots" | "parent" | "childOffset" | "childList" | "service" | "services" | "name" | "names" | "start" | "duration">;

/**
 * Two traces as one tree. Node n stands for span a[n] of A and span b[n] of B (-1 where that
 * trace has no such span). The tree has the waterfall's shape (lib/waterfall/tree-rows.ts), so
 * the same row, guide and collapse code walks it: children of n are
 * childList[childOffset[n] .. childOffset[n + 1]).
 */
export interface Alignment {
  size: number;
  a: Int32Array;
  b: Int32Array;
  parent: Int32Array;
  roots: Int32Array;
  childOffset: Int32Array;
  childList: Int32Array;
  depth: Uint16Array;
  /** 1 when the node is the last of its siblings (the └ of the indent guide). */
  last: Uint8Array;
}

/** The spans of one side under one span (or the roots, for -1), in start order. */
function childrenOf(t: AlignedTrace, span: number): ArrayLike<number> {
  if (span < 0) return t.roots;
  const out: number[] = [];
  for (let c = t.childOffset[span]!; c < t.childOffset[span + 1]!; c++) {
    const child = t.childList[c]!;
    // A span cut out of a parent cycle became a root: it is aligned there only.
    if (t.parent[child] === span) out.push(child);
  }
  return out;
}

const keyOf = (t: AlignedTrace, span: number) => `${t.services[t.service[span]!]}\u0000${t.names[t.name[span]!]}`;

interface Pair {
  a: number;
  b: number;
  /** Start relative to the parent's start on the side it comes from: orders the merged children. */
  offset: number;
}

/**
 * The children of the pair (a, b) matched by (service, operation, position among the siblings
 * with that key): the k-th `GET /cart` child of a goes with the k-th `GET /cart` child of b.
 * Unmatched ones stay alone; all in start order (A's offset where both have the span).
 */
function matchChildren(A: AlignedTrace, B: AlignedTrace, a: number, b: number): Pair[] {
  const kidsA = a < 0 && b >= 0 ? [] : childrenOf(A, a);
  const kidsB = b < 0 && a >= 0 ? [] : childrenOf(B, b);
  const baseA = a < 0 ? 0 : A.start[a]!;
  const baseB = b < 0 ? 0 : B.start[b]!;
  const waiting = new Map<string, number[]>();
  for (let i = kidsB.length - 1; i >= 0; i--) {
    const key = keyOf(B, kidsB[i]!);
    const list = waiting.get(key);
    if (list) list.push(kidsB[i]!);
    else waiting.set(key, [kidsB[i]!]);
  }
  const pairs: Pair[] = [];
  for (let i = 0; i < kidsA.length; i++) {
    const ca = kidsA[i]!;
    // Each list is in reverse start order, so pop() takes the earliest B sibling not yet matched.
    const cb = waiting.get(keyOf(A, ca))?.pop() ?? -1;
    pairs.push({ a: ca, b: cb, offset: A.start[ca]! - baseA });
  }
  const matched = new Set<number>();
  for (const p of pairs) if (p.b >= 0) matched.add(p.b);
  for (let i = 0; i < kidsB.length; i++) {
    const cb = kidsB[i]!;
    if (!matched.has(cb)) pairs.push({ a: -1, b: cb, offset: B.start[cb]! - baseB });
  }
  // Stable: equal offsets keep A's order, then B's.
  return pairs.sort((x, y) => x.offset - y.offset);
}

/**
 * Aligns B to A from the roots down: roots pair with roots, and a span pairs with one of the
 * other trace only when their parents are paired, so a pair always means "the same call at
 * the same place". What is under a span of one trace alone is of that trace alone. Nodes are
 * numbered breadth-first, so each node's children are one run of consecutive numbers.
 */
export function alignTraces(A: AlignedTrace, B: AlignedTrace): Alignment {
  const a: number[] = [];
  const b: number[] = [];
  const parent: number[] = [];
  const firstChild: number[] = [];
  const add = (list: Pair[], p: number) => {
    for (const pair of list) {
      a.push(pair.a);
      b.push(pair.b);
      parent.push(p);
    }
  };
  add(matchChildren(A, B, -1, -1), -1);
  const rootCount = a.length;
  for (let n = 0; n < a.length; n++) {
    firstChild.push(a.length);
    add(matchChildren(A, B, a[n]!, b[n]!), n);
  }
  const size = a.length;
  const childOffset = new Int32Array(size + 1);
  for (let n = 0; n < size; n++) childOffset[n] = firstChild[n]! - rootCount;
  childOffset[size] = size - rootCount;
  const childList = Int32Array.from({ length: size - rootCount }, (_, k) => k + rootCount);
  return finishTree({
    size,
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    parent: Int32Array.from(parent),
    roots: Int32Array.from({ length: rootCount }, (_, k) => k),
    childOffset,
    childList,
  });
}

/** Depths (parents come first in the numbering) and the last-sibling marks, from the child lists. */
function finishTree(t: Omit<Alignment, "depth" | "last">): Alignment {
  const depth = new Uint16Array(t.size);
  for (let n = 0; n < t.size; n++) if (t.parent[n]! >= 0) depth[n] = Math.min(depth[t.parent[n]!]! + 1, 65535);
  const last = new Uint8Array(t.size);
  if (t.roots.length > 0) last[t.roots[t.roots.length - 1]!] = 1;
  for (let n = 0; n < t.size; n++) if (t.childOffset[n + 1]! > t.childOffset[n]!) last[t.childList[t.childOffset[n + 1]! - 1]!] = 1;
  return { ...t, depth, last };
}

export type Change = "slower" | "faster" | "similar" | "only-a" | "only-b";

/** Below this relative difference a span in both traces counts as taking the same time. */
export const SIMILAR_WITHIN = 0.05;

export interface NodeDiff {
  change: Change;
  /** Duration in A and in B (ns), null on the side without the span. */
  durationA: number | null;
  durationB: number | null;
  /** B − A in ns, when in both. */
  delta: number | null;
  /** (B − A) / A, when in both and A took any time. */
  relative: number | null;
  /** How much this node differs, for ranking: |B − A|, or the whole duration of a span on one side only. */
  weight: number;
}

export function diffOf(al: Alignment, A: AlignedTrace, B: AlignedTrace, n: number): NodeDiff {
  const ia = al.a[n]!;
  const ib = al.b[n]!;
  if (ib < 0) return { change: "only-a", durationA: A.duration[ia]!, durationB: null, delta: null, relative: null, weight: A.duration[ia]! };
  if (ia < 0) return { change: "only-b", durationA: null, durationB: B.duration[ib]!, delta: null, relative: null, weight: B.duration[ib]! };
  const durationA = A.duration[ia]!;
  const durationB = B.duration[ib]!;
  const delta = durationB - durationA;
  const relative = durationA > 0 ? delta / durationA : null;
  const change: Change = delta === 0 || (relative !== null && Math.abs(relative) < SIMILAR_WITHIN) ? "similar" : delta > 0 ? "slower" : "faster";
  return { change, durationA, durationB, delta, relative, weight: Math.abs(delta) };
}

/** Every node's ranking weight (see NodeDiff.weight). */
export function weightsOf(al: Alignment, A: AlignedTrace, B: AlignedTrace): Float64Array {
  const w = new Float64Array(al.size);
  for (let n = 0; n < al.size; n++) w[n] = diffOf(al, A, B, n).weight;
  return w;
}

/**
 * The node where the difference comes from: start at the root that differs most and step to
 * the child that differs most while that child carries at least half of its parent's
 * difference. Stops at the node whose difference its children do not explain (its own work,
 * or many children each a little slower). -1 for an empty alignment.
 */
export function biggestDifference(al: Alignment, weights: Float64Array): number {
  const pick = (from: number, to: number, list: ArrayLike<number>) => {
    let best = -1;
    for (let k = from; k < to; k++) if (best < 0 || weights[list[k]!]! > weights[best]!) best = list[k]!;
    return best;
  };
  let node = pick(0, al.roots.length, al.roots);
  while (node >= 0) {
    const child = pick(al.childOffset[node]!, al.childOffset[node + 1]!, al.childList);
    if (child < 0 || weights[node]! === 0 || weights[child]! < weights[node]! / 2) break;
    node = child;
  }
  return node;
}

/** The same tree with each node's children (and the roots) ordered by difference, biggest first. */
export function sortedByDifference(al: Alignment, weights: Float64Array): Alignment {
  const byWeight = (x: number, y: number) => weights[y]! - weights[x]! || x - y;
  const childList = al.childList.slice();
  for (let n = 0; n < al.size; n++) childList.subarray(al.childOffset[n]!, al.childOffset[n + 1]!).sort(byWeight);
  return finishTree({ ...al, roots: al.roots.slice().sort(byWeight), childList });
}
