import t from 'tap';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mayRetryWithoutChecksumDatabase, resolveTemporalCli } from '../../src/platform/temporal-cli.js';

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

t.test('GOSUMDB=off is tried again only when the checksum database cannot be reached', async (t) => {
  const unreachable = [
    'go: github.com/temporalio/cli@v1.5.1: verifying module: github.com/temporalio/cli@v1.5.1: Get "https://sum.golang.org/lookup/github.com/temporalio/cli@v1.5.1": dial tcp: lookup sum.golang.org on 127.0.0.53:53: no such host',
    'verifying go.temporal.io/api@v1.53.0: go.temporal.io/api@v1.53.0: Get "https://sum.golang.org/tile/8/0/x123/456": dial tcp 142.250.1.1:443: i/o timeout',
    'go: verifying module: Get "https://sum.golang.org/lookup/x@v1": net/http: TLS handshake timeout',
  ];
  for (const output of unreachable) t.ok(mayRetryWithoutChecksumDatabase(output), output.slice(0, 60));

  const refused = [
    [
      'verifying github.com/temporalio/cli@v1.5.1: checksum mismatch',
      '\tdownloaded: h1:AAAA=',
      '\tsum.golang.org: h1:BBBB=',
      '',
      'SECURITY ERROR',
      'This download does NOT match the one reported by the checksum server.',
    ].join('\n'),
    'go: github.com/x/y@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:A=\n\tgo.sum:     h1:B=\n\nSECURITY ERROR',
    // A mismatch reported next to a network error elsewhere is still a mismatch.
    'verifying x@v1: checksum mismatch\nGet "https://sum.golang.org/lookup/y@v2": dial tcp: i/o timeout',
    // Failures that have nothing to do with the checksum database: another try without it changes nothing.
    'go: github.com/temporalio/cli@v1.5.1: Get "https://proxy.golang.org/github.com/temporalio/cli/@v/v1.5.1.info": dial tcp: lookup proxy.golang.org: no such host',
    '# github.com/temporalio/cli/temporalcli\ntemporalcli/commands.go:12:2: undefined: foo',
    '',
  ];
  for (const output of refused) t.notOk(mayRetryWithoutChecksumDatabase(output), output.slice(0, 60));
});
