// The workflow bench:start starts: no worker runs it, so only its name (taken from this function) matters.
export async function benchNoop(): Promise<void> {}
