// Committed migrations, oldest first. `npm run migration:create -- <name>` writes new ones beside this file.
import { Migration20261124050413_initial } from './Migration20261124050413_initial.js';
import { Migration20261125110000_security } from './Migration20261125110000_security.js';

export const migrationsList = [
  { name: 'Migration20261124050413_initial', class: Migration20261124050413_initial },
  { name: 'Migration20261125110000_security', class: Migration20261125110000_security },
];
