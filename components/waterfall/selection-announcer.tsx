"use client";

import { formatDuration } from "@/lib/format/duration";
import { escapeInvisible } from "@/lib/format/visible-text";
import { STATUS_ERROR } from "@/lib/waterfall/span-page";
import type { TraceModel } from "@/lib/waterfall/trace-model";

/**
 * Tells a screen reader which span is selected as the selection moves (arrow keys, find,
 * a click): focus stays on the tree, so without this the reader would say nothing.
 */
export function SelectionAnnouncer({ model, span, row, rowCount }: { model: TraceModel; span: number; row: number; rowCount: number }) {
  const text =
    span < 0
      ? ""
      : escapeInvisible(
          `Selected ${model.services[model.service[span]!]} ${model.names[model.name[span]!]}, ${formatDuration(model.duration[span]!)}` +
            `${model.status[span] === STATUS_ERROR ? ", error" : ""}${row >= 0 ? `, row ${row + 1} of ${rowCount}` : ""}`,
        );
  return (
    <p role="status" aria-live="polite" className="sr-only" data-testid="selection-announcer">
      {text}
    </p>
  );
}
