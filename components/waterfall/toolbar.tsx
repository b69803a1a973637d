"use client";

interface Props {
  maxDepth: number;
  zoomedIn: boolean;
  showCritical: boolean;
  criticalReady: boolean;
  exportHref: string;
  onExpandAll: () => void;
  onCollapseAll: () => void;
  onDepth: (depth: number) => void;
  onResetZoom: () => void;
  onCritical: (on: boolean) => void;
  children: React.ReactNode;
}

const button = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 disabled:opacity-40 dark:border-zinc-700 dark:hover:bg-zinc-800";

export function Toolbar(props: Props) {
  const levels = Array.from({ length: Math.min(props.maxDepth, 8) }, (_, i) => i + 1);
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2">
      <button type="button" className={button} onClick={props.onExpandAll}>
        Expand all
      </button>
      <button type="button" className={button} onClick={props.onCollapseAll}>
        Collapse all
      </button>
      <label className="flex items-center gap-1 text-xs">
        Expand to depth
        <select
          aria-label="Expand the tree to depth"
          title="Opens every span down to this depth and collapses the ones below it"
          defaultValue=""
          onChange={(e) => {
            if (e.target.value !== "") props.onDepth(Number(e.target.value));
            e.target.value = "";
          }}
          className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
        >
          <option value="">choose…</option>
          {levels.map((l) => (
            <option key={l} value={l}>
              {l === 1 ? "1 (root only)" : `${l} levels`}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" checked={props.showCritical} disabled={!props.criticalReady} onChange={(e) => props.onCritical(e.target.checked)} />
        Critical path
      </label>
      <button type="button" className={button} disabled={!props.zoomedIn} onClick={props.onResetZoom}>
        Reset zoom
      </button>
      <a href={props.exportHref} download className={button}>
        Download OTLP JSON
      </a>
      <div className="ml-auto flex flex-wrap items-center gap-2">{props.children}</div>
    </div>
  );
}
