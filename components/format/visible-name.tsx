import { visibleParts } from "@/lib/format/visible-text";

/**
 * A service or span name with its bidi controls and zero-width characters shown as escapes in
 * a marked style, so a name cannot reorder or hide its own text (lib/format/visible-text.ts).
 */
export function VisibleName({ text }: { text: string }) {
  const parts = visibleParts(text);
  if (parts.length === 1 && !parts[0]!.escaped) return text;
  return parts.map((p, i) =>
    p.escaped ? (
      <span
        key={i}
        data-testid="invisible-char"
        title={`Invisible character ${p.text.replace("\\u", "U+")} shown escaped`}
        className="mx-px rounded-sm bg-amber-100 px-0.5 font-mono text-[0.85em] text-amber-900 dark:bg-amber-900 dark:text-amber-100"
      >
        {p.text}
      </span>
    ) : (
      <span key={i}>{p.text}</span>
    ),
  );
}
