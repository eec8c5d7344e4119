/**
 * The registry of problem codes. Every error the API returns is an RFC 9457 problem
 * with one of these stable codes; the OpenAPI document lists them from here.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, title: 'Bad request' },
  malformed_json: { status: 400, title: 'Malformed JSON body' },
  api_key_in_query: { status: 400, title: 'API key in query string' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Credential lacks a required scope' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such route' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone' },
  idempotency_key_in_use: {
    status: 409,
    title: 'A request with this idempotency key is in progress',
  },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  validation_failed: { status: 422, title: 'Validation failed' },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency key already used for a different request',
  },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON pointer style path of the bad field, e.g. `/text` or `/tags/2`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly fieldErrors?: FieldError[],
    options?: { cause?: unknown },
  ) {
    super(detail ?? ERROR_CODES[code].title, options);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found`);
}

export function validationError(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field} ${message}`, [{ field, message }]);
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
  request_id?: string;
}

export function toProblem(error: AppError, requestId?: string): Problem {
  const problem: Problem = {
    type: `urn:showtrust:problem:${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
  };
  if (error.detail) problem.detail = error.detail;
  if (error.fieldErrors?.length) problem.errors = error.fieldErrors;
  if (requestId) problem.request_id = requestId;
  return problem;
}
