export function TraceMessage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div role="alert" className="mx-auto mt-16 max-w-lg rounded-lg border border-zinc-300 bg-white p-5 dark:border-zinc-700 dark:bg-zinc-900">
      <h1 className="mb-1 font-semibold">{title}</h1>
      <p className="text-zinc-700 dark:text-zinc-300">{children}</p>
    </div>
  );
}
