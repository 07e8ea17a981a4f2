// API problems (RFC 9457) turned into sentences a person can act on.

export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
}

/** What the API's stable codes mean, in words. */
const CODE_MESSAGES: Record<string, string> = {
  unauthorized: "This token was not accepted. Sign in again with a valid token.",
  not_found: "It isn't there: it may have been deleted, or this token cannot see it.",
  webhook_disabled: "The webhook is disabled. Enable it first, then try again.",
  body_too_large: "That is too large for hookd to accept.",
  malformed_json: "That isn't valid JSON.",
  unavailable: "hookd's database is not answering right now. Try again in a moment.",
  conflict: "That already exists.",
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldProblem[];

  constructor(status: number, code: string, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  static fromResponse(status: number, problem: Problem | undefined): ApiError {
    const code = problem?.code ?? (status === 401 ? "unauthorized" : `http_${status}`);
    const fields = problem?.errors ?? [];
    let message: string;
    if (fields.length > 0) {
      message = `Please correct: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}.`;
    } else if (status === 401 || status === 404 || status === 503) {
      message = CODE_MESSAGES[code] ?? problem?.detail ?? CODE_MESSAGES.not_found;
    } else {
      message = problem?.detail ?? CODE_MESSAGES[code] ?? problem?.title ?? `hookd answered ${status}.`;
    }
    if (status >= 500 && status !== 503) {
      message = "hookd hit an internal error. The server log has the details; try again.";
    }
    return new ApiError(status, code, message, fields);
  }

  static unreachable(cause: unknown): ApiError {
    const detail = cause instanceof Error ? ` (${cause.message})` : "";
    return new ApiError(
      0,
      "unreachable",
      `Cannot reach hookd: is the server running?${detail}`,
    );
  }

  /** The message for one field, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

/** Any thrown thing as a sentence. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** The API's message for each field it named, by field (empty for other errors). */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
}
