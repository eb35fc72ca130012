// Where the web console's build lives, and building it when it is missing or older than its sources.
// `npm start` (prestart) and the test runner call ensureConsoleBuilt(); the API only reads consoleDir().
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or image) root: the nearest folder above this file with a package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the console build module');
    dir = parent;
  }
  return dir;
}

export const consoleDir = () => join(projectRoot(), 'dist', 'console');
const consoleSourceDir = () => join(projectRoot(), 'src', 'web');

/** The newest modification time under `path`, skipping node_modules, dot files and what `include` refuses. */
export function newestMtime(path: string, include: (path: string) => boolean = () => true): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.') || !include(join(path, entry))) continue;
    newest = Math.max(newest, newestMtime(join(path, entry), include));
  }
  return newest;
}

/** True when dist/console/index.html is missing or older than any file under src/web. */
function consoleBuildIsStale(): boolean {
  const index = join(consoleDir(), 'index.html');
  if (!existsSync(index)) return true;
  const sources = consoleSourceDir();
  return existsSync(sources) && newestMtime(sources) > statSync(index).mtimeMs;
}

/** Builds the console with Vite when stale; returns whether it built. */
export async function ensureConsoleBuilt(log: (message: string) => void = console.log): Promise<boolean> {
  if (!consoleBuildIsStale()) return false;
  if (!existsSync(consoleSourceDir())) return false;
  // Vite is a development dependency: imported only when a build is actually needed. Without it (an install
  // that omitted dev dependencies) the API still starts and `/` says the console is not built.
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('The web console is not built and Vite is not installed (npm install without --omit=dev builds it).');
    return false;
  }
  log('Building the web console (vite build)…');
  await vite.build({ configFile: join(consoleSourceDir(), 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
