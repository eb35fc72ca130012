// The user's AI preferences (tone, suggestions, contact time, insight frequency, custom instructions).
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, ApiError, errorMessage, unwrap } from '../api/client';
import type { Preferences } from '../api/types';
import { BusyIcon, ErrorNote, Field, Loading } from './ui';
import { useToast } from './toast';

export function PreferencesForm() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const prefs = useQuery({ queryKey: ['preferences'], queryFn: () => unwrap(api.GET('/api/ai/preferences')) });
  const [form, setForm] = useState<Preferences | null>(null);
  useEffect(() => {
    if (prefs.data) setForm(prefs.data);
  }, [prefs.data]);
  const save = useMutation({
    mutationFn: (body: Preferences) => unwrap(api.PUT('/api/ai/preferences', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['preferences'], saved);
      toast.success('Preferences saved');
    },
    onError: (error) => toast.error(`Could not save the preferences: ${errorMessage(error)}`),
  });
  if (prefs.isPending || !form) return prefs.isError ? <ErrorNote error={prefs.error} /> : <Loading />;
  const err = (field: string) => (save.error instanceof ApiError ? save.error.detail(field) : undefined);
  const set = <K extends keyof Preferences>(key: K, value: Preferences[K]) => setForm({ ...form, [key]: value });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(form);
      }}
    >
      <div className="grid-2">
        <Field id="pref-tone" label="Chatbot tone" error={err('chatbotTone')}>
          <input id="pref-tone" value={form.chatbotTone} onChange={(e) => set('chatbotTone', e.target.value)} />
        </Field>
        <Field id="pref-frequency" label="Insights frequency" error={err('aiInsightsFrequency')}>
          <select
            id="pref-frequency"
            value={form.aiInsightsFrequency}
            onChange={(e) => set('aiInsightsFrequency', e.target.value as Preferences['aiInsightsFrequency'])}
          >
            <option value="realtime">Real time</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </Field>
        <Field id="pref-contact" label="Preferred contact time" error={err('preferredContactTime')}>
          <input
            id="pref-contact"
            value={form.preferredContactTime ?? ''}
            placeholder="e.g. mornings"
            onChange={(e) => set('preferredContactTime', e.target.value || null)}
          />
        </Field>
      </div>
      <div className="checks">
        <label>
          <input
            type="checkbox"
            checked={form.autoSuggestActions}
            onChange={(e) => set('autoSuggestActions', e.target.checked)}
          />
          Suggest next actions automatically
        </label>
        <label>
          <input
            type="checkbox"
            checked={form.enableProactive}
            onChange={(e) => set('enableProactive', e.target.checked)}
          />
          Proactive insights
        </label>
      </div>
      <Field
        id="pref-instructions"
        label="Custom instructions"
        error={err('customInstructions')}
        hint="At most 4000 characters."
      >
        <textarea
          id="pref-instructions"
          rows={3}
          maxLength={4000}
          value={form.customInstructions ?? ''}
          onChange={(e) => set('customInstructions', e.target.value || null)}
        />
      </Field>
      <p className="hint">
        Your prompts receive these as template variables: <code>{'{{preferences.chatbotTone}}'}</code>,{' '}
        <code>{'{{preferences.customInstructions}}'}</code> and <code>{'{{preferences.preferredContactTime}}'}</code>.
        The built-in prompts use them; a prompt of your own uses them where its instructions name them.
      </p>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          <BusyIcon busy={save.isPending} /> Save Preferences
        </button>
      </div>
    </form>
  );
}
