// A call's or lead's status as a coloured badge (the text is the status itself).
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{status}</span>;
}
