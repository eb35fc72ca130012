import { rotateWebhookSecret } from '../../domain/accounts/webhook-secret.js';
import type { Command } from './command.js';
import { organizationEm } from './support.js';

const command: Command = {
  name: 'rotate-webhook-secret',
  summary: 'A new webhook secret for an organization (the previous one works for WEBHOOK_SECRET_GRACE_SECONDS)',
  options: { org: { type: 'string', required: true, description: 'the organization id' } },
  async run(ctx, values) {
    const em = await organizationEm(await ctx.orm(), values.org!);
    const grace = { graceSeconds: ctx.config.webhookSecretGraceSeconds };
    const rotated = await rotateWebhookSecret(em, ctx.config.encryption, values.org!, grace, null);
    ctx.print({
      webhookSecret: rotated.webhookSecret,
      previousSecretValidUntil: rotated.previousSecretValidUntil?.toISOString() ?? null,
    });
  },
};

export default command;
