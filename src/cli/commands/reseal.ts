import { sealStoredWebhookSecrets } from '../../domain/accounts/webhook-secret.js';
import { resealIntegrationCredentials } from '../../domain/integrations/settings.js';
import { CliError } from '../context.js';
import type { Command } from './command.js';

// After CALLSENSE_ENCRYPTION_KEY changed (the old key moved to CALLSENSE_PREVIOUS_ENCRYPTION_KEYS), or after an
// upgrade from a version that derived the key from JWT_SECRET: once this has run, the old key can be dropped.
const command: Command = {
  name: 'reseal',
  summary:
    'Seals every stored secret (webhook secrets, provider credentials) again under CALLSENSE_ENCRYPTION_KEY, ' +
    'so the keys in CALLSENSE_PREVIOUS_ENCRYPTION_KEYS can be removed',
  options: {},
  async run(ctx) {
    const orm = await ctx.orm();
    const keys = ctx.config.encryption;
    const webhookSecrets = await sealStoredWebhookSecrets(orm.em, keys);
    const credentials = await resealIntegrationCredentials(orm.em, keys);
    ctx.print({
      webhookSecrets: { resealed: webhookSecrets.resealed, unreadable: webhookSecrets.unreadable },
      integrationCredentials: { resealed: credentials.resealed, unreadable: credentials.unreadable },
    });
    const unreadable = webhookSecrets.unreadable.length + credentials.unreadable.length;
    if (unreadable) {
      throw new CliError(
        `${unreadable} stored secret(s) open with none of the configured keys: add the key that sealed them to ` +
          'CALLSENSE_PREVIOUS_ENCRYPTION_KEYS and run reseal again',
      );
    }
  },
};

export default command;
