// The organization's webhook secret (hidden until shown) and Rotate secret, which keeps the previous one
// valid for a grace period: rotating breaks no sender at once, so it takes one click and no confirmation.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import { BusyIcon, Card, ErrorNote, Field, formatDate, Loading } from '../components/ui';
import { useToast } from '../components/toast';

export function WebhookSecret({ organizationId }: { organizationId: string }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState(false);
  const [validUntil, setValidUntil] = useState<string | null>(null);
  const secret = useQuery({
    queryKey: ['webhook-secret'],
    queryFn: () => unwrap(api.GET('/api/admin/webhook-secret')),
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/webhook-secret/rotate')),
    onSuccess: (answer) => {
      queryClient.setQueryData(['webhook-secret'], { webhookSecret: answer.webhookSecret });
      const until = (answer as { previousSecretValidUntil?: string | null }).previousSecretValidUntil ?? null;
      setValidUntil(until);
      toast.success('Webhook secret rotated');
    },
    onError: (error) => toast.error(`Could not rotate the secret: ${errorMessage(error)}`),
  });
  return (
    <Card id="secret-heading" title="Webhook secret">
      <p className="muted">
        Signs calls posted to{' '}
        <code className="break">{`${window.location.origin}/api/webhooks/calls/${organizationId}`}</code>.
      </p>
      {secret.isPending ? <Loading /> : null}
      {secret.isError ? <ErrorNote error={secret.error} /> : null}
      {secret.data ? (
        <Field id="webhook-secret" label="Webhook secret">
          <div className="row">
            <input id="webhook-secret" readOnly type={shown ? 'text' : 'password'} value={secret.data.webhookSecret} />
            <button type="button" className="secondary" onClick={() => setShown(!shown)} aria-pressed={shown}>
              {shown ? 'Hide' : 'Show'}
            </button>
          </div>
        </Field>
      ) : null}
      {validUntil ? (
        <p>The previous secret keeps working until {formatDate(validUntil)}: update every sender before then.</p>
      ) : null}
      <div className="actions">
        <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          <BusyIcon busy={rotate.isPending} icon={RefreshCw} />
          Rotate secret
        </button>
      </div>
    </Card>
  );
}
