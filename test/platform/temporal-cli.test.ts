import t from 'tap';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveTemporalCli } from '../../src/platform/temporal-cli.js';

t.test('resolution order: TEMPORAL_CLI, then PATH, then the tools cache', async (t) => {
  const dir = t.testdir({});
  const fake = async (path: string) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, 0o755);
    return path;
  };
  const explicit = await fake(join(dir, 'explicit', 'temporal'));
  const onPath = await fake(join(dir, 'path', 'temporal'));
  const cached = await fake(join(dir, 'tools', 'bin', 'temporal'));
  const env = { PATH: join(dir, 'path'), CALLSENSE_TOOLS_DIR: join(dir, 'tools') };

  t.equal(await resolveTemporalCli({ ...env, TEMPORAL_CLI: explicit }), explicit);
  t.equal(await resolveTemporalCli(env), onPath);
  t.equal(await resolveTemporalCli({ ...env, PATH: join(dir, 'nowhere') }), cached);
  await t.rejects(
    resolveTemporalCli({ PATH: join(dir, 'nowhere'), CALLSENSE_TOOLS_DIR: join(dir, 'empty') }, { build: false }),
    /No Temporal CLI found/,
  );
  await t.rejects(resolveTemporalCli({ ...env, TEMPORAL_CLI: join(dir, 'missing') }), /not an executable/);
});
