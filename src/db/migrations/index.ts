// Committed migrations, oldest first. `npm run migration:create -- <name>` writes new ones beside this file.
import { Migration20261124050413_initial } from './Migration20261124050413_initial.js';
import { Migration20261125100000_analyses } from './Migration20261125100000_analyses.js';
import { Migration20261125110000_security } from './Migration20261125110000_security.js';
import { Migration20261125120000_scoring } from './Migration20261125120000_scoring.js';
import { Migration20261125130000_integrations } from './Migration20261125130000_integrations.js';
import { Migration20261126010000_model_lead_ids } from './Migration20261126010000_model_lead_ids.js';
import { Migration20261204185019_prompt_library } from './Migration20261204185019_prompt_library.js';
import { Migration20261204190013_sessions } from './Migration20261204190013_sessions.js';
import { Migration20261204190120_prompt_experiments } from './Migration20261204190120_prompt_experiments.js';
import { Migration20261204190133_events } from './Migration20261204190133_events.js';
import { Migration20261204191737_openai_usage } from './Migration20261204191737_openai_usage.js';
import { Migration20261204191949_demo } from './Migration20261204191949_demo.js';
import { Migration20261204194000_store_call_function } from './Migration20261204194000_store_call_function.js';
import { Migration20261204220000_store_fold_function } from './Migration20261204220000_store_fold_function.js';

export const migrationsList = [
  { name: 'Migration20261124050413_initial', class: Migration20261124050413_initial },
  { name: 'Migration20261125100000_analyses', class: Migration20261125100000_analyses },
  { name: 'Migration20261125110000_security', class: Migration20261125110000_security },
  { name: 'Migration20261125120000_scoring', class: Migration20261125120000_scoring },
  { name: 'Migration20261125130000_integrations', class: Migration20261125130000_integrations },
  { name: 'Migration20261126010000_model_lead_ids', class: Migration20261126010000_model_lead_ids },
  { name: 'Migration20261204185019_prompt_library', class: Migration20261204185019_prompt_library },
  { name: 'Migration20261204190013_sessions', class: Migration20261204190013_sessions },
  { name: 'Migration20261204190120_prompt_experiments', class: Migration20261204190120_prompt_experiments },
  { name: 'Migration20261204190133_events', class: Migration20261204190133_events },
  { name: 'Migration20261204191737_openai_usage', class: Migration20261204191737_openai_usage },
  { name: 'Migration20261204191949_demo', class: Migration20261204191949_demo },
  { name: 'Migration20261204194000_store_call_function', class: Migration20261204194000_store_call_function },
  { name: 'Migration20261204220000_store_fold_function', class: Migration20261204220000_store_fold_function },
];
