// `npm start` runs this first (prestart): builds the web console when its build is missing or stale.
import { ensureConsoleBuilt } from '../src/platform/console-build.js';

await ensureConsoleBuilt();
