// Experiments: replay two versions of this prompt over past WON/LOST leads and show which one's extractions
// predict the outcome better. The list refreshes every 2 s while an experiment runs; a finished one shows both
// AUCs and the interval of their difference, the verdict in words, rates, cost per call and field agreement.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FlaskConical, Square, Star, Trash2 } from 'lucide-react';
import { api, ApiError, unwrap } from '../api/client';
import { Confirm } from '../components/confirm';
import { DataTable } from '../components/data-table';
import { BusyIcon, Empty, ErrorNote, Field, formatDate, QueryState } from '../components/ui';
import { useToast } from '../components/toast';
import { PRODUCTION, type PromptDetail } from './api';
import { ExperimentChart } from './experiment-chart';
import {
  dollars,
  type Experiment,
  fetchExperiments,
  type ExperimentArm,
  percent,
  verdictHeadline,
  verdictSentence,
  versionName,
} from './experiment-model';
import './experiments.css';

const REFRESH_MS = 2000;
const DEFAULT_LEADS = 200;
const MIN_LEADS = 20;
const MAX_LEADS = 2000;
const STATUS_NAMES: Record<Experiment['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const experimentsKey = (promptId: string) => ['prompt-experiments', promptId];

function useExperiments(promptId: string) {
  return useQuery({
    queryKey: experimentsKey(promptId),
    queryFn: () => fetchExperiments(promptId),
    refetchInterval: (query) => (query.state.data?.some((e) => e.status === 'running') ? REFRESH_MS : false),
  });
}

/** The versions a new experiment starts with: the latest against production (or the newest other version). */
function defaultVersions(prompt: PromptDetail): { candidate: number; baseline: number } {
  const production = prompt.labels[PRODUCTION] ?? prompt.latestVersion;
  const others = prompt.versions.map((v) => v.version).filter((v) => v !== production);
  return { baseline: production, candidate: Math.max(...others) };
}

function RunExperiment({ prompt, onStarted }: { prompt: PromptDetail; onStarted(id: string): void }) {
  const toast = useToast();
  const queryClient = useQueryClient();
  const initial = defaultVersions(prompt);
  const [candidate, setCandidate] = useState(String(initial.candidate));
  const [baseline, setBaseline] = useState(String(initial.baseline));
  const [leads, setLeads] = useState(String(DEFAULT_LEADS));
  const start = useMutation({
    mutationFn: (body: { candidateVersion: number; baselineVersion: number; maxLeads: number }) =>
      unwrap(api.POST('/api/prompts/{id}/experiments', { params: { path: { id: prompt.id } }, body })),
    onSuccess: ({ id }, body) => {
      onStarted(id);
      void queryClient.invalidateQueries({ queryKey: experimentsKey(prompt.id) });
      toast.success(
        `Experiment started: v${body.candidateVersion} against v${body.baselineVersion} on up to ${body.maxLeads} leads`,
      );
    },
  });
  const production = prompt.labels[PRODUCTION];
  const count = Number(leads);
  const leadsProblem =
    Number.isInteger(count) && count >= MIN_LEADS && count <= MAX_LEADS
      ? undefined
      : `A whole number from ${MIN_LEADS} to ${MAX_LEADS.toLocaleString('en-US')}`;
  const sameVersion = candidate === baseline ? 'Pick two different versions' : undefined;
  const serverDetail = (field: string) => (start.error instanceof ApiError ? start.error.detail(field) : undefined);
  const options = prompt.versions.map((v) => (
    <option key={v.version} value={v.version}>
      v{v.version}
      {v.version === production ? ' (production)' : ''}
    </option>
  ));
  return (
    <form
      className="experiment-form"
      aria-label="Run experiment"
      onSubmit={(e) => {
        e.preventDefault();
        if (leadsProblem || sameVersion || start.isPending) return;
        start.mutate({ candidateVersion: Number(candidate), baselineVersion: Number(baseline), maxLeads: count });
      }}
    >
      <p className="muted">
        Both versions analyse the calls of your most recent won and lost deals; the one whose extractions predict the
        outcome better wins. Production is not touched. It needs at least 10 won and 10 lost leads with calls.
      </p>
      <div className="experiment-fields">
        <Field
          id="experiment-candidate"
          label="Candidate version"
          error={sameVersion ?? serverDetail('candidateVersion')}
        >
          <select id="experiment-candidate" value={candidate} onChange={(e) => setCandidate(e.target.value)}>
            {options}
          </select>
        </Field>
        <Field id="experiment-baseline" label="Baseline version" error={serverDetail('baselineVersion')}>
          <select id="experiment-baseline" value={baseline} onChange={(e) => setBaseline(e.target.value)}>
            {options}
          </select>
        </Field>
        <Field id="experiment-leads" label="Leads" error={leadsProblem ?? serverDetail('maxLeads')}>
          <input
            id="experiment-leads"
            type="number"
            inputMode="numeric"
            min={MIN_LEADS}
            max={MAX_LEADS}
            step={1}
            value={leads}
            aria-describedby="experiment-leads-hint"
            onChange={(e) => setLeads(e.target.value)}
          />
          <span id="experiment-leads-hint" className="muted small">
            The most recent won and lost leads, up to {MAX_LEADS.toLocaleString('en-US')}
          </span>
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={Boolean(leadsProblem || sameVersion) || start.isPending}>
          <BusyIcon busy={start.isPending} icon={FlaskConical} /> Run experiment
        </button>
      </div>
      {start.isError ? <ErrorNote error={start.error} prefix="Could not start the experiment" /> : null}
    </form>
  );
}

function Progress({ experiment }: { experiment: Experiment }) {
  const { total, done, failed } = experiment.progress;
  const id = `experiment-progress-${experiment.id}`;
  if (total === 0) return <p className="muted">Picking the sample of leads…</p>;
  return (
    <div className="experiment-progress">
      <progress id={id} max={total} value={done + failed} aria-label="Experiment progress" />
      <span>
        {(done + failed).toLocaleString('en-US')} of {total.toLocaleString('en-US')} analyses done
        {failed ? ` (${failed.toLocaleString('en-US')} failed)` : ''}
      </span>
    </div>
  );
}

/** Calls (individual prompts) or leads (complete prompts) each arm analysed: what a cost is divided by. */
function unitsOf(experiment: Experiment, kind: PromptDetail['kind']): number {
  const leads = experiment.results?.leads ?? 0;
  // An individual experiment's items are each arm's calls plus each arm's fold of every lead.
  return kind === 'individual' ? (experiment.progress.total - 2 * leads) / 2 : leads;
}

function ArmsTable(props: { experiment: Experiment; kind: PromptDetail['kind'] }) {
  const { experiment } = props;
  const results = experiment.results!;
  const units = unitsOf(experiment, props.kind);
  const perUnit = (arm: ExperimentArm) => (arm.costUsd === null || units <= 0 ? '—' : dollars(arm.costUsd / units));
  const tokens = (arm: ExperimentArm) =>
    `${arm.inputTokens.toLocaleString('en-US')} / ${arm.outputTokens.toLocaleString('en-US')}`;
  const rows: [string, (arm: ExperimentArm) => string][] = [
    ['Ranks won deals above lost ones (AUC)', (arm) => percent(arm.auc)],
    ['Answers that match the schema', (arm) => percent(arm.schemaValidRate)],
    ['Failed analyses', (arm) => percent(arm.failureRate)],
    [props.kind === 'individual' ? 'Cost per call' : 'Cost per lead', perUnit],
    ['Tokens (in / out)', tokens],
    ['Median response time', (arm) => (arm.p50LatencyMs === null ? '—' : `${Math.round(arm.p50LatencyMs)} ms`)],
  ];
  return (
    <DataTable
      columns={[
        'Measure',
        versionName(experiment.baselineVersion, 'baseline'),
        versionName(experiment.candidateVersion, 'candidate'),
      ]}
    >
      {rows.map(([name, show]) => (
        <tr key={name}>
          <th scope="row">{name}</th>
          <td>{show(results.baseline)}</td>
          <td>{show(results.candidate)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function AgreementTable({ agreement }: { agreement: Record<string, number> }) {
  const fields = Object.entries(agreement).sort(([a], [b]) => a.localeCompare(b));
  if (fields.length === 0) return <Empty>The two versions have no output field in common.</Empty>;
  return (
    <DataTable columns={['Field', 'Same value in both versions']}>
      {fields.map(([field, share]) => (
        <tr key={field}>
          <th scope="row">
            <code>{field}</code>
          </th>
          <td>{percent(share)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function Results(props: {
  experiment: Experiment;
  prompt: PromptDetail;
  onSetProduction(version: number): void;
  settingProduction: boolean;
}) {
  const { experiment, prompt } = props;
  const results = experiment.results!;
  const { baselineVersion: b, candidateVersion: c } = experiment;
  const isProduction = prompt.labels[PRODUCTION] === c;
  return (
    <div className="experiment-results">
      <p className={`verdict verdict-${results.verdict}`}>{verdictSentence(results, b, c)}</p>
      <p className="muted">
        Judged on {results.leads.toLocaleString('en-US')} leads: {results.won.toLocaleString('en-US')} won,{' '}
        {results.lost.toLocaleString('en-US')} lost.
      </p>
      {results.verdict === 'candidate-better' && !prompt.builtIn ? (
        <div className="actions">
          {isProduction ? (
            <span className="ok">
              <Star aria-hidden size={16} /> Version {c} is production
            </span>
          ) : (
            <>
              <button type="button" disabled={props.settingProduction} onClick={() => props.onSetProduction(c)}>
                <BusyIcon busy={props.settingProduction} icon={Star} /> Set as production
              </button>
              <span className="muted">New calls are then analysed with version {c}.</span>
            </>
          )}
        </div>
      ) : null}
      <ExperimentChart results={results} baseline={b} candidate={c} />
      <h4>Side by side</h4>
      <ArmsTable experiment={experiment} kind={prompt.kind} />
      <p className="muted small">
        Cost is what this experiment spent per {prompt.kind === 'individual' ? 'call' : 'lead'}: stored analyses of a
        version were reused, at no cost.
      </p>
      <h4>Field agreement</h4>
      <AgreementTable agreement={results.agreement} />
    </div>
  );
}

function ExperimentItem(props: {
  experiment: Experiment;
  prompt: PromptDetail;
  onSetProduction(version: number): void;
  settingProduction: boolean;
}) {
  const { experiment: e, prompt } = props;
  const toast = useToast();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: experimentsKey(prompt.id) });
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST('/api/prompts/experiments/{id}/cancel', { params: { path: { id: e.id } } })),
    onSuccess: () => {
      refresh();
      toast.success(`Cancelling the experiment v${e.candidateVersion} against v${e.baselineVersion}`);
    },
    onError: (error) => toast.error(`Could not cancel: ${error.message}`),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/prompts/experiments/{id}', { params: { path: { id: e.id } } })),
    onSuccess: () => {
      refresh();
      toast.success(`Experiment v${e.candidateVersion} against v${e.baselineVersion} deleted`);
    },
    onError: (error) => toast.error(`Could not delete: ${error.message}`),
  });
  const headingId = `experiment-${e.id}`;
  const { done, failed, total } = e.progress;
  return (
    <article className="experiment" aria-labelledby={headingId}>
      <div className="experiment-head">
        <h3 id={headingId}>
          Version {e.candidateVersion} against version {e.baselineVersion}
        </h3>
        <span className={`badge experiment-${e.status}`}>{STATUS_NAMES[e.status]}</span>
        <span className="muted small">
          started {formatDate(e.createdAt)}
          {e.completedAt ? ` · ended ${formatDate(e.completedAt)}` : ''}
        </span>
        {prompt.builtIn ? null : (
          <div className="row-actions">
            {e.status === 'running' ? (
              <button
                type="button"
                className="secondary small"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate()}
              >
                <BusyIcon busy={cancel.isPending} icon={Square} /> Cancel
              </button>
            ) : (
              <Confirm
                title="Delete this experiment?"
                description={`The results of v${e.candidateVersion} against v${e.baselineVersion} and the analyses it made are deleted. Production is not affected.`}
                confirmLabel="Delete experiment"
                onConfirm={() => remove.mutate()}
              >
                <button type="button" className="secondary small" disabled={remove.isPending}>
                  <BusyIcon busy={remove.isPending} icon={Trash2} /> Delete
                </button>
              </Confirm>
            )}
          </div>
        )}
      </div>
      {e.status === 'running' ? <Progress experiment={e} /> : null}
      {e.status === 'failed' ? (
        <ErrorNote error={new Error(e.error ?? 'The experiment failed')} prefix="Failed" />
      ) : null}
      {e.status === 'cancelled' ? (
        <p className="muted">
          Cancelled after {(done + failed).toLocaleString('en-US')} of {total.toLocaleString('en-US')} analyses: no
          results.
        </p>
      ) : null}
      {e.status === 'completed' && e.results ? (
        <Results
          experiment={e}
          prompt={prompt}
          onSetProduction={props.onSetProduction}
          settingProduction={props.settingProduction}
        />
      ) : null}
    </article>
  );
}

/**
 * A notification when an experiment this page saw running (or started) has ended. Returns the function that
 * marks one as started: a short experiment may end before the list is fetched again.
 */
function useEndNotifications(experiments: Experiment[] | undefined) {
  const toast = useToast();
  const seen = useRef(new Map<string, Experiment['status']>());
  useEffect(() => {
    for (const e of experiments ?? []) {
      const before = seen.current.get(e.id);
      seen.current.set(e.id, e.status);
      if (before !== 'running' || e.status === 'running') continue;
      const name = `v${e.candidateVersion} against v${e.baselineVersion}`;
      if (e.status === 'completed' && e.results)
        toast.success(
          `Experiment ${name} finished: ${verdictHeadline(e.results, e.baselineVersion, e.candidateVersion)}`,
        );
      else if (e.status === 'failed') toast.error(`Experiment ${name} failed: ${e.error ?? 'no reason given'}`);
      else if (e.status === 'cancelled') toast.success(`Experiment ${name} cancelled`);
    }
  }, [experiments, toast]);
  return (id: string) => seen.current.set(id, 'running');
}

export function Experiments(props: {
  prompt: PromptDetail;
  onSetProduction(version: number): void;
  settingProduction: boolean;
}) {
  const { prompt } = props;
  const experiments = useExperiments(prompt.id);
  const markStarted = useEndNotifications(experiments.data);
  return (
    <>
      {prompt.builtIn ? (
        <p className="muted">Built-in prompts cannot be experimented on: duplicate one to compare your own versions.</p>
      ) : prompt.versions.length < 2 ? (
        <p className="muted">Only one version so far: save another to compare how well each predicts won deals.</p>
      ) : (
        <RunExperiment key={prompt.latestVersion} prompt={prompt} onStarted={markStarted} />
      )}
      {!experiments.isSuccess ? (
        <QueryState query={experiments} loading="Loading experiments…" failed="Could not load the experiments" />
      ) : experiments.data.length === 0 ? (
        prompt.builtIn ? null : (
          <Empty>No experiments yet.</Empty>
        )
      ) : (
        experiments.data.map((experiment) => (
          <ExperimentItem
            key={experiment.id}
            experiment={experiment}
            prompt={prompt}
            onSetProduction={props.onSetProduction}
            settingProduction={props.settingProduction}
          />
        ))
      )}
    </>
  );
}
