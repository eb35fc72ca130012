import { randomBytes } from 'node:crypto';

/** A fresh webhook signing secret: 32 random bytes, prefixed so it is recognisable in a provider's settings. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
