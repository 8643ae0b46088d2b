/**
 * CPU time per thread of the benchmark process, from /proc (Linux; 10 ms ticks): the main thread
 * (the event loop that serves requests), the webhook delivery thread, and every other thread.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU microseconds the main thread — the event loop that serves requests — has used, from
 * /proc/self/task/<pid>/stat (utime + stime, in ticks of 10 ms): unlike `process.cpuUsage` it
 * leaves out the delivery thread (and libuv's pool). NaN where /proc is missing.
 */
export function mainThreadCpuMicros(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** CPU microseconds per kernel thread of this process (/proc/self/task; empty where /proc is missing). */
export function threadCpuMicros(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const task of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(Number(task), (Number(fields[11]) + Number(fields[12])) * 10_000);
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return out;
}

/** CPU µs since `before`, split into the main thread, the delivery thread (`deliveryTid`) and every other thread. */
export function cpuSplit(before: Map<number, number>, deliveryTid: number | undefined): { main: number; delivery: number; other: number } {
  const split = { main: 0, delivery: 0, other: 0 };
  for (const [tid, micros] of threadCpuMicros()) {
    const used = micros - (before.get(tid) ?? 0);
    if (tid === process.pid) split.main += used;
    else if (tid === deliveryTid) split.delivery += used;
    else split.other += used;
  }
  return split;
}
