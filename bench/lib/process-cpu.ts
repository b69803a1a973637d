import fs from "node:fs";

interface ProcessCpu {
  ppid: number;
  comm: string;
  /** The title a Postgres process sets ("postgres: walwriter"), else its command line. */
  title: string;
  seconds: number;
}

/** This process's descendants with the CPU seconds each used so far (its own and its ended children's). */
function descendants(): ProcessCpu[] {
  const ticks = 100; // USER_HZ on Linux
  const procs = new Map<number, ProcessCpu>();
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const title = comm.startsWith("postgres") ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim() : comm;
      procs.set(Number(pid), { ppid: Number(fields[1]), comm, title, seconds: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = (pid: number) => {
    for (let p = procs.get(pid)?.ppid; p !== undefined && p > 1; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  return [...procs].filter(([pid]) => ours(pid)).map(([, p]) => p);
}

/**
 * CPU seconds used so far by this process's descendants named `names`: the benchmark's own
 * Postgres and server, not those of whatever else shares the machine. A process's count takes in
 * its children that ended (Postgres's parallel workers, its backends that closed).
 */
export function descendantCpuSeconds(names: readonly string[]): number {
  let total = 0;
  for (const p of descendants()) if (names.some((n) => p.comm.startsWith(n))) total += p.seconds;
  return total;
}

/**
 * The benchmark's Postgres CPU seconds so far by kind of process, from the titles they set:
 * "client backends" (the sessions running statements), "walwriter", "checkpointer", … and
 * "postmaster", whose count takes in the children it reaped (autovacuum workers, ended backends).
 */
export function postgresCpuByKind(): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const p of descendants()) {
    if (!p.comm.startsWith("postgres")) continue;
    const kind = !p.title.startsWith("postgres:") ? "postmaster" : /^postgres: \S+ \S+ \d/.test(p.title) ? "client backends" : p.title.slice("postgres: ".length).replace(/ \S+$/, "");
    byKind.set(kind, (byKind.get(kind) ?? 0) + p.seconds);
  }
  return byKind;
}
