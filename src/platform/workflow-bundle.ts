// The workflow bundle that `npm start` (prestart) and `npm run build` prepare ahead of time, so a worker does not
// run the bundler (and keep its memory) at start-up. A worker builds the bundle itself when this one is missing or
// older than the sources it was built from.
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { newestMtime, projectRoot } from './console-build.js';

const workflowBundleFile = () => join(projectRoot(), 'dist', 'workflow-bundle', 'workflows.js');

/** Everything but the console: workflow code imports from several folders of src. */
function newestSourceMtime(): number {
  const src = join(projectRoot(), 'src');
  if (!existsSync(src)) return 0; // an image without sources: the bundle built with it is current
  const web = join(src, 'web');
  return newestMtime(src, (path) => path !== web);
}

/** The prebuilt bundle's path when it exists and is newer than every source file; undefined otherwise. */
export function currentWorkflowBundle(): string | undefined {
  const file = workflowBundleFile();
  if (!existsSync(file)) return undefined;
  return statSync(file).mtimeMs >= newestSourceMtime() ? file : undefined;
}

/** Builds the bundle when missing or stale; returns whether it built. */
export async function ensureWorkflowBundle(log: (message: string) => void = console.log): Promise<boolean> {
  if (currentWorkflowBundle()) return false;
  // The bundler is heavy: loaded only here, in the short-lived build step.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { workflowsPath } = await import('../worker/worker.js');
  log('Building the workflow bundle…');
  const quiet = () => undefined;
  const logger = { info: quiet, debug: quiet, trace: quiet, log: quiet, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger });
  const file = workflowBundleFile();
  await mkdir(dirname(file), { recursive: true });
  // Written whole, then renamed: a worker starting meanwhile never reads half a bundle.
  await writeFile(`${file}.tmp`, code);
  await rename(`${file}.tmp`, file);
  return true;
}
