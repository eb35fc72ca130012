import pg from 'pg';

export async function withServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`drop database if exists "${name}" with (force)`);
}

/** A fresh database cloned from the run's migrated template; returns its URL and a drop function. */
export async function cloneTemplateDatabase(serverUrl: string, template: string, name: string) {
  await withServer(serverUrl, (c) => c.query(`create database "${name}" template "${template}"`));
  return {
    url: new URL(`/${name}`, serverUrl).toString(),
    drop: () => withServer(serverUrl, (c) => dropDatabase(c, name)),
  };
}
