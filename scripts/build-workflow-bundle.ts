// `npm start` (prestart) and `npm run build` run this: writes the workflow bundle when it is missing or stale.
import { ensureWorkflowBundle } from '../src/platform/workflow-bundle.js';

await ensureWorkflowBundle();
