// The typed client for hookd's HTTP API. Types come from src/api/schema.d.ts, generated from
// ui/openapi.json (`npm run gen:api`), which a Rust test keeps equal to the server's document.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { ApiError, type Problem } from "./errors";

export type Schemas = components["schemas"];

let bearer: string | null = null;

/** Every request from now on carries this token (or none). */
export function setBearerToken(token: string | null) {
  bearer = token;
}

/** The Authorization header of the current session, for calls made without the client (streams). */
export function authorization(): Record<string, string> {
  return bearer ? { Authorization: `Bearer ${bearer}` } : {};
}

const authorize: Middleware = {
  onRequest({ request }) {
    if (bearer) request.headers.set("Authorization", `Bearer ${bearer}`);
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  // Looked up at each call, so tests can stub `fetch` after this module loaded.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(authorize);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Awaits a client call and returns its data, or throws an {@link ApiError} a person can read. */
export async function call<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await request;
  } catch (cause) {
    throw ApiError.unreachable(cause);
  }
  if (answer.response.ok) return answer.data as T;
  throw ApiError.fromResponse(answer.response.status, answer.error as Problem | undefined);
}
