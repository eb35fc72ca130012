// The prompt library's shapes and queries, shared by the library pages, the prompt pickers and the admin defaults.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type PromptKind = 'individual' | 'complete';
export type PromptSummary = Json<paths['/api/prompts/']['get']['responses'][200]>[number];
export type PromptDetail = Json<paths['/api/prompts/{id}']['get']['responses'][200]>;
export type PromptVersion = Json<paths['/api/prompts/{id}/versions/{version}']['get']['responses'][200]>;
export type VersionBody = NonNullable<
  paths['/api/prompts/{id}/versions']['post']['requestBody']
>['content']['application/json'];

export const PRODUCTION = 'production';
export const KIND_NAMES: Record<PromptKind, string> = { individual: 'Individual call', complete: 'Complete lead' };
/** The built-in prompt of each kind: its schema is where a new or imported prompt starts. */
export const BUILT_IN: Record<PromptKind, string> = {
  individual: 'prm_systemindividual',
  complete: 'prm_systemcomplete',
};

const REF = /^prm_[A-Za-z0-9]{8,64}(@(\d+|[a-z][a-z0-9-]{0,31}))?$/;

/** A local format check of a reference, so no request is made for one that cannot be valid. */
export function referenceError(value: string): string | null {
  const ref = value.trim();
  if (!ref) return 'Pick a prompt or type a reference (or leave the field empty to use the default)';
  if (ref.startsWith('pmpt_'))
    return 'pmpt_ ids are OpenAI stored prompts, retired on 2026-11-30: import its text as a CallSense prompt';
  if (!REF.test(ref)) return 'A reference is prm_<id>, prm_<id>@<version> or prm_<id>@<label>';
  return null;
}

/** `prm_x@7` → { id: 'prm_x', pin: '7' }; `prm_x` → { id: 'prm_x', pin: 'production' }. */
function splitRef(ref: string): { id: string; pin: string } {
  const at = ref.indexOf('@');
  return at === -1 ? { id: ref, pin: PRODUCTION } : { id: ref.slice(0, at), pin: ref.slice(at + 1) };
}

/** The version a reference points to in a listed prompt, or null when it names none of its labels. */
function versionOf(prompt: { labels: Record<string, number> }, pin: string): number | null {
  if (/^\d+$/.test(pin)) return Number(pin);
  return prompt.labels[pin] ?? null;
}

/** `Discovery v3` for a reference, from the library; the reference itself when it is not listed. */
export function describeRef(ref: string, prompts: PromptSummary[] | undefined): string {
  const { id, pin } = splitRef(ref);
  const prompt = prompts?.find((p) => p.id === id);
  if (!prompt) return ref;
  const version = versionOf(prompt, pin);
  return version === null ? `${prompt.name} @${pin}` : `${prompt.name} v${version}`;
}

export const libraryKey = (kind?: PromptKind) => ['prompt-library', kind ?? 'all'];
export const promptKey = (id: string) => ['prompt', id];
export const versionKey = (id: string, version: number) => ['prompt-version', id, version];

export function useLibrary(kind?: PromptKind) {
  return useQuery({
    queryKey: libraryKey(kind),
    queryFn: () => unwrap(api.GET('/api/prompts/', { params: { query: kind ? { kind } : {} } })),
  });
}

export function fetchVersion(id: string, version: number) {
  return unwrap(api.GET('/api/prompts/{id}/versions/{version}', { params: { path: { id, version } } }));
}

export function useVersion(id: string, version: number | null | undefined) {
  return useQuery({
    queryKey: versionKey(id, version ?? 0),
    queryFn: () => fetchVersion(id, version!),
    enabled: version !== null && version !== undefined,
    // A version never changes once saved.
    staleTime: Number.POSITIVE_INFINITY,
  });
}
