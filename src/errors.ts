/** Codes a domain function may fail with; the HTTP adapter maps each to one GraphQL code and HTTP status (src/http/json-errors.ts). */
export type DomainErrorCode = 'NOT_FOUND' | 'VALIDATION' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'RATE_LIMITED';

export interface FieldIssue {
  /** Dotted path of the failing input field, e.g. `input.pickupWindow.start`. */
  field: string;
  /** The rule it broke, in words. */
  rule: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}
export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super('VALIDATION', issues.map((i) => `${i.field}: ${i.rule}`).join('; '), { issues });
  }
}
export class ConflictError extends DomainError {
  /** `issues`: the input fields the conflict refuses, when it is theirs (`extensions.issues`, as a ValidationError's). */
  constructor(message: string, issues: FieldIssue[] = []) {
    super('CONFLICT', message, issues.length > 0 ? { issues } : {});
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed for this organisation') {
    super('FORBIDDEN', message);
  }
}
export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid API key is required') {
    super('UNAUTHENTICATED', message);
  }
}
export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number, message = `Too many requests; retry after ${retryAfterSeconds} s`) {
    super('RATE_LIMITED', message, { retryAfterSeconds });
  }
}
