// The typed API client: paths and shapes come from the server's own OpenAPI document (schema.d.ts).
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export type ApiPaths = paths;

/** An API answer other than 2xx, in the API's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
  /** The detail for a field, whatever prefix the server put before its name (`body.email` → `email`). */
  detail(field: string): string | undefined {
    for (const [key, value] of Object.entries(this.details))
      if (key === field || key.endsWith(`.${field}`)) return value;
    return undefined;
  }
}

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setToken(value: string | null) {
  token = value;
}
/** Called when an authenticated request answers 401 (expired or revoked token). */
export function setUnauthorizedHandler(handler: (() => void) | null) {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) onUnauthorized?.();
    return response;
  },
};

export const api = createClient<ApiPaths>({ baseUrl: '' });
api.use(auth);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Returns the answer's data, or throws an ApiError with the server's message and field details. */
export async function unwrap<T>(promise: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await promise;
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  const { data, error, response } = answer;
  if (!response.ok) {
    const body = (error ?? {}) as { message?: unknown; details?: unknown };
    const message = typeof body.message === 'string' ? body.message : `The server answered ${response.status}`;
    const details = body.details && typeof body.details === 'object' ? (body.details as Record<string, string>) : {};
    throw new ApiError(response.status, message, details);
  }
  return data as T;
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
