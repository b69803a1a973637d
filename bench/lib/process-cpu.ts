import fs from "node:fs";

/**
 * CPU seconds used so far by this process's descendants named `names`: the benchmark's own
 * Postgres and server, not those of whatever else shares the machine. A process's count takes in
 * its children that ended (Postgres's parallel workers, its backends that closed).
 */
export function descendantCpuSeconds(names: readonly string[]): number {
  const ticks = 100; // USER_HZ on Linux
  const procs = new Map<number, { ppid: number; comm: string; seconds: number }>();
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.set(Number(pid), { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), seconds: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = (pid: number) => {
    for (let p = procs.get(pid)?.ppid; p !== undefined && p > 1; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, p] of procs) if (names.some((n) => p.comm.startsWith(n)) && ours(pid)) total += p.seconds;
  return total;
}
