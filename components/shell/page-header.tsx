export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mb-4 flex items-baseline justify-between gap-4">
      <h1 className="text-base font-semibold">{title}</h1>
      {children}
    </div>
  );
}
