import type { TraceModel } from "./trace-model";

/** The rows the waterfall shows: span indexes in depth-first, start-time order. */
export interface VisibleRows {
  count: number;
  /** Span index of each row (the first `count` entries). */
  span: Int32Array;
  /** Row of each span, or -1 when a collapsed ancestor hides it. */
  rowOf: Int32Array;
}

type Tree = Pick<TraceModel, "size" | "roots" | "parent" | "childOffset" | "childList">;

/**
 * Depth-first over the tree, skipping the descendants of collapsed spans (jaeger-ui's
 * generateRowStates, on typed arrays). Linear in the visible rows plus the roots.
 */
export function visibleRows(tree: Tree, collapsed: ReadonlySet<number>): VisibleRows {
  const { size, roots, parent, childOffset, childList } = tree;
  const span = new Int32Array(size);
  const rowOf = new Int32Array(size).fill(-1);
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
  let count = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    rowOf[i] = count;
    span[count++] = i;
    if (collapsed.has(i)) continue;
    for (let c = childOffset[i + 1]! - 1; c >= childOffset[i]!; c--) {
      const child = childList[c]!;
      // A span cut out of a parent cycle became a root; it is listed there only.
      if (parent[child] === i) stack.push(child);
    }
  }
  return { count, span, rowOf };
}

/** How the indent guide of one level is drawn on a row. */
export type Guide = "none" | "line" | "tee" | "elbow";

/**
 * The indent guides of a span's row, one per level above it: a line where an ancestor has
 * later siblings, and the span's own connector (├ or └). Derived from the tree alone, so it
 * is computed for the rows on screen only.
 */
export function guidesFor(tree: Pick<TraceModel, "parent" | "depth" | "last">, span: number): Guide[] {
  const depth = tree.depth[span]!;
  const guides = new Array<Guide>(depth);
  if (depth === 0) return guides;
  guides[depth - 1] = tree.last[span] ? "elbow" : "tee";
  let node = tree.parent[span]!;
  for (let level = depth - 2; level >= 0 && node >= 0; level--) {
    guides[level] = tree.last[node] ? "none" : "line";
    node = tree.parent[node]!;
  }
  return guides;
}

/** Spans with children at exactly `depth`: collapsing them shows the tree down to that level. */
export function collapseAtDepth(tree: Pick<TraceModel, "size" | "depth" | "childOffset">, depth: number): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < tree.size; i++) {
    if (tree.depth[i] === depth && tree.childOffset[i + 1]! > tree.childOffset[i]!) set.add(i);
  }
  return set;
}

/** Every span with children (only the roots remain visible). */
export function collapseAll(tree: Pick<TraceModel, "size" | "childOffset">): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < tree.size; i++) if (tree.childOffset[i + 1]! > tree.childOffset[i]!) set.add(i);
  return set;
}

export function toggled(collapsed: ReadonlySet<number>, span: number): Set<number> {
  const next = new Set(collapsed);
  if (!next.delete(span)) next.add(span);
  return next;
}

/** The collapsed set with every ancestor of `span` expanded, so its row is visible. */
export function revealed(tree: Pick<TraceModel, "parent">, collapsed: ReadonlySet<number>, span: number): ReadonlySet<number> {
  let next: Set<number> | null = null;
  for (let p = tree.parent[span]!; p >= 0; p = tree.parent[p]!) {
    if (collapsed.has(p)) {
      next ??= new Set(collapsed);
      next.delete(p);
    }
  }
  return next ?? collapsed;
}
