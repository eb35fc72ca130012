// A rule of the domain that a request broke, with the HTTP status it maps to (the API's error handler sends it
// as the usual error body). Domain code stays free of Fastify while still saying "not found" or "conflict".
export class DomainError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 409 | 422 | 429 | 503,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
