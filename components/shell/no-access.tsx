export function NoAccess({ what = "this page" }: { what?: string }) {
  return (
    <div role="alert" className="mx-auto mt-16 max-w-md rounded-lg border border-amber-300 bg-amber-50 p-5 dark:border-amber-800 dark:bg-amber-950">
      <h1 className="mb-1 font-semibold">No access</h1>
      <p className="text-zinc-700 dark:text-zinc-300">
        Your role does not allow {what}. Ask an administrator if you need it.
      </p>
    </div>
  );
}
