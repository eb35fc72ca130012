// The history of prompt changes (newest first), each with Revert (restores that entry's old value).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Undo2 } from 'lucide-react';
import { api, errorMessage, unwrap } from '../api/client';
import { promptsKey, type PromptTarget } from './prompt-form';
import { Empty, formatDate, QueryState } from './ui';
import { useToast } from './toast';
import { ACTIONS_COLUMN, DataTable } from './data-table';

type UserTarget = Exclude<PromptTarget, { kind: 'organization' }>;

const FIELD_NAMES = { openai_individual_prompt_id: 'Individual', openai_complete_prompt_id: 'Complete' } as const;

function loadHistory(target: UserTarget) {
  return target.kind === 'me'
    ? unwrap(api.GET('/api/openai-prompts/my-prompts/history'))
    : unwrap(
        api.GET('/api/openai-prompts/admin/users/{userId}/prompts/history', {
          params: { path: { userId: target.userId } },
        }),
      );
}

export function PromptHistory({ target }: { target: UserTarget }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const history = useQuery({
    queryKey: ['prompt-history', target.kind === 'me' ? 'me' : target.userId],
    queryFn: () => loadHistory(target),
  });
  const revert = useMutation({
    mutationFn: (historyId: string) =>
      unwrap(api.POST('/api/openai-prompts/my-prompts/revert', { body: { historyId } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(promptsKey(target), { kind: 'settings', config: saved });
      void queryClient.invalidateQueries({ queryKey: ['prompt-history'] });
      toast.success('Change reverted');
    },
    onError: (error) => toast.error(`Could not revert: ${errorMessage(error)}`),
  });

  if (!history.isSuccess)
    return <QueryState query={history} loading="Loading history…" failed="Could not load the history" />;
  if (history.data.length === 0) return <Empty>No changes yet — saving a prompt above records it here.</Empty>;
  return (
    <DataTable columns={['When', 'Prompt', 'From', 'To', 'By', ...(target.kind === 'me' ? [ACTIONS_COLUMN] : [])]}>
      {history.data.map((entry) => (
        <tr key={entry.id}>
          <td>{formatDate(entry.changedAt)}</td>
          <td>{FIELD_NAMES[entry.field]}</td>
          <td>
            <code>{entry.oldValue ?? 'default'}</code>
          </td>
          <td>
            <code>{entry.newValue ?? 'default'}</code>
          </td>
          <td>{entry.changedBy.email}</td>
          {target.kind === 'me' ? (
            <td>
              <button
                type="button"
                className="secondary small"
                disabled={revert.isPending}
                onClick={() => revert.mutate(entry.id)}
              >
                <Undo2 aria-hidden size={14} /> Revert
              </button>
            </td>
          ) : null}
        </tr>
      ))}
    </DataTable>
  );
}
