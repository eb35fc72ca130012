// Settings: the user's prompt configuration (with history and preview), prompt metrics and AI preferences.
import { useQuery } from '@tanstack/react-query';
import { loadPrompts, PromptForm, promptsKey } from '../components/prompt-form';
import { PromptHistory } from '../components/prompt-history';
import { PreviewForm } from '../components/preview-form';
import { PreferencesForm } from '../components/preferences-form';
import { PromptMetrics } from '../components/prompt-metrics';
import { Card } from '../components/ui';

export function SettingsPage() {
  const config = useQuery({
    queryKey: promptsKey({ kind: 'me' }),
    queryFn: () => loadPrompts({ kind: 'me' }),
  });
  // The preview runs what the next analysis would run, unless another reference is typed.
  const effective = config.data?.kind === 'settings' ? config.data.config.effective.individual : undefined;
  const previewDefault = effective ? `${effective.promptId}@${effective.version}` : '';
  return (
    <>
      <h1>Settings</h1>
      <Card id="prompts-heading" title="OpenAI Prompts Configuration">
        <p className="muted">Which CallSense prompts analyse your calls and build your leads' complete analysis.</p>
        <PromptForm target={{ kind: 'me' }} />
      </Card>
      <Card id="history-heading" title="History">
        <PromptHistory target={{ kind: 'me' }} />
      </Card>
      <Card id="preview-heading" title="Preview">
        <p className="muted">Run a prompt once on a transcript to see what it extracts. Nothing is saved.</p>
        <PreviewForm defaultPromptId={previewDefault} />
      </Card>
      <Card id="metrics-heading" title="Prompt metrics">
        <PromptMetrics />
      </Card>
      <Card id="prefs-heading" title="AI Preferences">
        <PreferencesForm />
      </Card>
    </>
  );
}
