// Which routes need a token and which the admin role follows from the group they are registered in: the
// OpenAPI document must say exactly that, and every route must enforce what the document says. Every route
// documents its errors with the one registered error body.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { startStack } from '../support/harness.js';
import { addUser, as, signup } from '../support/api.js';

const PUBLIC = [/^\/api\/(healthz|readyz)$/, /^\/api\/auth\/(signup|login)$/, /^\/api\/webhooks\//, /^\/api\/docs/];
const ADMIN = /^\/api\/(admin|openai-prompts\/admin)\//;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const ERROR = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

interface Operation {
  tags?: string[];
  security?: unknown;
  responses?: Record<string, unknown>;
}

t.test('the OpenAPI security of every route matches its group, and each route enforces it', async (t) => {
  const stack = await startStack(t, { worker: false });
  const admin = await signup(stack.app);
  const user = await addUser(stack.app, admin);
  const docs = (await stack.app.inject({ method: 'GET', url: '/api/docs/json' })).json();

  t.match(
    docs.components.schemas.Error,
    { type: 'object', required: ['statusCode', 'error', 'message'] },
    'the error body is one named schema',
  );
  let secured = 0;
  let admins = 0;
  const paths = docs.paths as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    const url = path.replace(/\{version\}/g, '1').replace(/\{[^}]+\}/g, randomUUID());
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const isPublic = PUBLIC.some((pattern) => pattern.test(path));
      const responses = operation.responses ?? {};
      if (!path.startsWith('/api/docs')) {
        t.match(responses['4XX'], ERROR, `${method} ${path} answers client errors with the error body`);
        t.match(responses['5XX'], ERROR, `${method} ${path} answers server errors with the error body`);
        t.equal(operation.tags?.length, 1, `${method} ${path} is listed under the one tag of its route file`);
      }
      if (isPublic) {
        t.notOk(operation.security, `${method} ${path} is public in the document`);
        continue;
      }
      secured += 1;
      t.same(operation.security, [{ bearerAuth: [] }], `${method} ${path} documents the bearer token`);
      t.match(responses['401'], ERROR, `${method} ${path} documents its 401`);
      const anonymous = await stack.app.inject({ method: method.toUpperCase() as 'GET', url, payload: {} });
      t.equal(anonymous.statusCode, 401, `${method} ${path} without a token`);
      if (ADMIN.test(path)) {
        admins += 1;
        t.match(responses['403'], ERROR, `${method} ${path} documents its 403`);
        const asUser = await as(stack.app, user, '').request(method.toUpperCase() as 'GET', url, {});
        t.equal(asUser.statusCode, 403, `${method} ${path} as a user`);
      }
    }
  }
  t.ok(secured > 30, `the document lists the secured routes (${secured})`);
  t.ok(admins > 15, `and the admin ones (${admins})`);
});
