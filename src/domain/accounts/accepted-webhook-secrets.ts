/** The secrets that verify a delivery now: the current one, and the previous one inside its grace window. */
export function acceptedWebhookSecrets(
  org: {
    webhookSecret: string;
    previousWebhookSecret?: string | null | undefined;
    previousWebhookSecretValidUntil?: Date | null | undefined;
  },
  now = new Date(),
): string[] {
  const previous = org.previousWebhookSecret;
  const validUntil = org.previousWebhookSecretValidUntil;
  return previous && validUntil && validUntil > now ? [org.webhookSecret, previous] : [org.webhookSecret];
}
