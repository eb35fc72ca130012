// Links into the Temporal Web UI for API answers (TEMPORAL_UI_URL; none configured → null).
export function workflowUrl(
  temporal: { uiUrl: string | undefined; namespace: string },
  workflowId: string,
): string | null {
  if (!temporal.uiUrl) return null;
  const namespace = encodeURIComponent(temporal.namespace);
  return `${temporal.uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
