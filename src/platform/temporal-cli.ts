// Finds a Temporal CLI binary: TEMPORAL_CLI → `temporal` on PATH → a cached build → building one with Go.
// The SDK's own download (TestWorkflowEnvironment.createLocal) needs the internet; a Go build does not.
import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TEMPORAL_CLI_VERSION = '1.5.1';

/** The git-ignored, clone-independent cache for tools we build (override with CALLSENSE_TOOLS_DIR). */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CALLSENSE_TOOLS_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'callsense');
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/** What go prints when a download does not match a recorded hash: a tampered module, never a network problem. */
const CHECKSUM_MISMATCH =
  /checksum mismatch|SECURITY ERROR|verifying module: .*(mismatch|invalid)|go\.sum: .*mismatch/i;
/** What go prints when it could not talk to a server at all (DNS, refused, timeouts, TLS, proxies, HTTP 5xx). */
const UNREACHABLE =
  /no such host|dial tcp|connection refused|connection reset|i\/o timeout|timeout|TLS handshake|network is unreachable|temporary failure in name resolution|proxyconnect|EOF|5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i;

/**
 * Whether a failed `go install` may be tried again with GOSUMDB=off: only when the checksum database could not be
 * reached (a network without sum.golang.org). A checksum mismatch means a module's bytes differ from what the
 * database or go.sum recorded; building without the check would then accept exactly what the check exists to refuse.
 */
export function mayRetryWithoutChecksumDatabase(goOutput: string): boolean {
  if (CHECKSUM_MISMATCH.test(goOutput)) return false;
  const sumdbLines = goOutput.split('\n').filter((line) => /sum\.golang\.org|sumdb|GOSUMDB/i.test(line));
  return sumdbLines.some((line) => UNREACHABLE.test(line));
}

/** Builds the CLI from the Go module proxy into the tools cache (takes minutes the first time). */
async function buildTemporalCli(env: NodeJS.ProcessEnv = process.env, log = console.error): Promise<string> {
  const go = await onPath('go', env);
  if (!go)
    throw new Error(
      'No Temporal CLI found and no `go` to build one: ' +
        'set TEMPORAL_CLI or TEMPORAL_ADDRESS, or install the Temporal CLI',
    );
  const bin = join(toolsDir(env), 'bin');
  await mkdir(bin, { recursive: true });
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${bin} (first time only, takes a few minutes)…`);
  const args = [
    'install',
    '-ldflags',
    `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
    `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
  ];
  try {
    await run(go, args, { env: { ...env, GOBIN: bin }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = String((error as { stderr?: unknown }).stderr ?? (error as Error).message);
    if (!mayRetryWithoutChecksumDatabase(output)) throw error;
    // The checksum database is unreachable: the tag's own go.sum still pins every dependency hash.
    log('The Go checksum database cannot be reached: building again with GOSUMDB=off (go.sum still pins hashes)');
    await run(go, args, { env: { ...env, GOBIN: bin, GOSUMDB: 'off' }, maxBuffer: 64 * 1024 * 1024 });
  }
  return join(bin, 'temporal');
}

/** Resolves the CLI binary, building it when allowed and nothing else is found. */
export async function resolveTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  options: { build?: boolean } = {},
): Promise<string> {
  if (env.TEMPORAL_CLI) {
    if (await isExecutable(env.TEMPORAL_CLI)) return env.TEMPORAL_CLI;
    throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
  }
  const fromPath = await onPath('temporal', env);
  if (fromPath) return fromPath;
  const cached = join(toolsDir(env), 'bin', 'temporal');
  if (await isExecutable(cached)) return cached;
  if (options.build === false) throw new Error('No Temporal CLI found (TEMPORAL_CLI, PATH, or the tools cache)');
  return buildTemporalCli(env);
}
