// `npx tsx bench/profile-summary.ts <file.cpuprofile>`: a V8 CPU profile (from `node --cpu-prof`, e.g.
// `NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:pipeline -- --rounds 1`) summed by who
// spends the time: CallSense's own code (src/), each dependency, the benchmark and its local model, Node's
// internals, garbage collection and idle. Self time only, so each sample counts once.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function ownerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (dependency) return dependency[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/src/')) return 'CallSense (src/)';
  if (url.includes('/test/support/')) return 'local OpenAI server and test helpers';
  if (url.includes('/bench/')) return 'benchmark';
  return url;
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const totals = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const owner = ownerOf(byId.get(id)!);
  const micros = profile.timeDeltas[i] ?? 0;
  totals.set(owner, (totals.get(owner) ?? 0) + micros);
  all += micros;
});
const busy = all - (totals.get('(idle)') ?? 0);
const rows = [...totals]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25)
  .map(([owner, micros]) => ({
    owner,
    seconds: (micros / 1e6).toFixed(2),
    'of all': `${((micros / all) * 100).toFixed(1)} %`,
    'of busy': owner === '(idle)' ? '' : `${((micros / busy) * 100).toFixed(1)} %`,
  }));
console.log(`${file}: ${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
console.table(rows);
