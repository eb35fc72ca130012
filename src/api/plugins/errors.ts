// One error shape everywhere: { statusCode, error, message, details? }. Never a 500 for bad input.
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { DriverException, NotFoundError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { RETRY_AFTER_SECONDS, unavailableDependency } from './unavailable.js';
import { DomainError } from '../../domain/domain-error.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 429 with Retry-After: a limit that frees up at a known time (the daily OpenAI budget). */
export class TooManyRequests extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, message);
  }
}

export const badRequest = (message: string, details?: Record<string, string>) => new HttpError(400, message, details);
export const unauthorized = (message = 'Authentication required') => new HttpError(401, message);
export const forbidden = (message = 'This action requires the admin role') => new HttpError(403, message);
export const notFound = (what = 'Resource') => new HttpError(404, `${what} not found`);
export const conflict = (message: string) => new HttpError(409, message);
export const unprocessable = (message: string, details?: Record<string, string>) =>
  new HttpError(422, message, details);

export function errorBody(statusCode: number, message: string, details?: Record<string, string>) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details ? { details } : {}) };
}

function validationDetails(error: FastifyError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const v of error.validation ?? []) {
    const params = v.params as Record<string, unknown>;
    const base = `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`;
    const field = params.missingProperty
      ? `${base}.${String(params.missingProperty)}`
      : params.additionalProperty
        ? `${base}.${String(params.additionalProperty)}`
        : base;
    const message = params.additionalProperty ? 'is not an accepted field' : (v.message ?? 'is invalid');
    details[field] ??= message;
  }
  return details;
}

export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError || error instanceof DomainError) {
      if (error.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      if (error instanceof TooManyRequests) reply.header('retry-after', String(Math.max(1, error.retryAfterSeconds)));
      return reply.status(error.statusCode).send(errorBody(error.statusCode, error.message, error.details));
    }
    if (error.validation) {
      const details = validationDetails(error);
      return reply.status(400).send(errorBody(400, `Invalid request: ${error.message}`, details));
    }
    const dependency = unavailableDependency(error);
    if (dependency) {
      request.log.error({ err: error }, `${dependency} is unavailable`);
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.status(503).send(errorBody(503, `${dependency} is unavailable right now; try again shortly`));
    }
    if (error instanceof UniqueConstraintViolationException) {
      return reply.status(409).send(errorBody(409, 'A resource with these unique fields already exists'));
    }
    if (error instanceof NotFoundError) {
      return reply.status(404).send(errorBody(404, 'Resource not found'));
    }
    // SQLSTATE class 22 (data exception: out-of-range dates, NUL bytes, bad UUID text…) is the caller's input.
    const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
    if (error instanceof DriverException && /^22/.test(String(sqlState ?? code ?? ''))) {
      return reply
        .status(400)
        .send(errorBody(400, 'A value in the request cannot be stored (out of range or malformed)'));
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send(errorBody(status, 'Something went wrong on our side; it has been logged'));
    }
    return reply.status(status).send(errorBody(status, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody(404, `Route ${request.method} ${request.url.split('?')[0]} not found`));
  });
});
