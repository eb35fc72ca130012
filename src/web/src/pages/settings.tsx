// Settings: the user's prompt configuration (with history and preview), prompt metrics and AI preferences.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { PromptForm, promptsKey } from '../components/prompt-form';
import { PromptHistory } from '../components/prompt-history';
import { PreviewForm } from '../components/preview-form';
import { PreferencesForm } from '../components/preferences-form';
import { PromptMetrics } from '../components/prompt-metrics';

export function SettingsPage() {
  const config = useQuery({
    queryKey: promptsKey({ kind: 'me' }),
    queryFn: () => unwrap(api.GET('/api/openai-prompts/my-prompts')),
  });
  const previewDefault = config.data?.openai_individual_prompt_id ?? config.data?.system_defaults.individual ?? '';
  return (
    <>
      <h1>Settings</h1>
      <section className="card" aria-labelledby="prompts-heading">
        <h2 id="prompts-heading">OpenAI Prompts Configuration</h2>
        <p className="muted">Which stored OpenAI prompts analyse your calls and build your leads' complete analysis.</p>
        <PromptForm target={{ kind: 'me' }} />
      </section>
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <PromptHistory target={{ kind: 'me' }} />
      </section>
      <section className="card" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <p className="muted">Run a prompt once on a transcript to see what it extracts. Nothing is saved.</p>
        <PreviewForm defaultPromptId={previewDefault} />
      </section>
      <section className="card" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Prompt metrics</h2>
        <PromptMetrics />
      </section>
      <section className="card" aria-labelledby="prefs-heading">
        <h2 id="prefs-heading">AI Preferences</h2>
        <PreferencesForm />
      </section>
    </>
  );
}
