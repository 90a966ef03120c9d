import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';

/** Codes a domain function may fail with; each maps to one GraphQL error code. */
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
  constructor(message: string) {
    super('CONFLICT', message);
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
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

const GRAPHQL_CODE: Record<DomainErrorCode, string> = {
  NOT_FOUND: 'NOT_FOUND',
  VALIDATION: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  RATE_LIMITED: 'RATE_LIMITED',
};

/** Codes graphql-js and Apollo give to errors in the request itself: safe to show as they are. */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export interface ErrorFormatOptions {
  logger: Logger;
  /** Replace "Did you mean …?" hints, which leak schema names, in production. */
  hideSuggestions: boolean;
}

/**
 * The one mapping from any error to what a client sees, used by HTTP and WebSocket alike:
 * domain errors keep their message and get their code; request errors (parse, validation) pass;
 * anything else becomes INTERNAL_SERVER_ERROR without internals, and is logged with its stack.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, opts: ErrorFormatOptions): GraphQLFormattedError {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (original instanceof DomainError) {
    return {
      message: original.message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: GRAPHQL_CODE[original.code], ...original.details },
    };
  }
  const code = isUncodedClientError(error) ? 'BAD_REQUEST' : formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
    const message = opts.hideSuggestions ? formatted.message.replace(/ ?Did you mean .+\?$/, '') : formatted.message;
    return { message, ...(formatted.locations && { locations: formatted.locations }), extensions: { code } };
  }
  opts.logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
  return {
    message: 'Internal server error',
    ...(formatted.path && { path: formatted.path }),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Apollo refuses some requests with a 4xx status but no code (a persisted query whose hash does not match its
 * text), which would otherwise read as a server fault.
 */
function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Any error as the GraphQLError a client may see, through formatError: for places that must hand
 * graphql-ws errors rather than results (refused subscriptions). `code` labels request errors
 * (parse, validation) that graphql-js raises without one.
 */
export function toGraphQLError(error: unknown, opts: ErrorFormatOptions, code?: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  const formatted = formatError({ message, ...(code && { extensions: { code } }) }, error, opts);
  // Keep the original: graphql-ws formats these again (onError), and must map them the same way.
  return new GraphQLError(formatted.message, { extensions: formatted.extensions, originalError: error instanceof Error ? error : undefined });
}
