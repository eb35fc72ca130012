// CPU time by process family over a measured stretch: this Node process (API, worker, load generator and the
// local OpenAI server), the Temporal dev server, and PostgreSQL (all its processes, backends that exited
// included). Read from /proc, so Linux only; elsewhere the two servers count as 0.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc counts CPU time in ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;

export interface CpuSeconds {
  node: number;
  temporal: number;
  postgres: number;
}

function serverSeconds(): Omit<CpuSeconds, 'node'> {
  const total = { temporal: 0, postgres: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return total;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (command !== 'temporal' && command !== 'postgres') continue;
    // After "(comm) ": state is field 3; utime and stime are fields 14 and 15, and cutime and cstime (16, 17)
    // hold the children a process has reaped: the postmaster's count the backends that exited.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    total[command] += ticks / TICKS_PER_SECOND;
  }
  return total;
}

export function cpuNow(): CpuSeconds {
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1e6, ...serverSeconds() };
}

export function cpuSince(before: CpuSeconds): CpuSeconds {
  const now = cpuNow();
  return {
    node: now.node - before.node,
    temporal: now.temporal - before.temporal,
    postgres: now.postgres - before.postgres,
  };
}
