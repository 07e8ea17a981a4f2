// Renders a component as the app would (query cache, router, a signed-in session), with the
// API answered by a table of canned responses instead of a server.
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import type { ReactElement } from "react";
import { vi } from "vitest";
import { SessionContext, type SessionInfo } from "../auth/session";

export interface FakeCall {
  method: string;
  path: string;
  body: unknown;
}

/** `"GET /api/webhooks"` → what the API answers; a function may inspect the request. */
export type FakeRoutes = Record<string, (call: FakeCall) => { status: number; body?: unknown }>;

/** Stubs `fetch` with `routes` and returns the calls it received. */
export function fakeApi(routes: FakeRoutes): FakeCall[] {
  const calls: FakeCall[] = [];
  vi.stubGlobal("fetch", async (input: Request) => {
    const url = new URL(input.url);
    const text = await input.text();
    const call = { method: input.method, path: url.pathname + url.search, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    const key = Object.keys(routes).find((k) => {
      const [method, path] = k.split(" ");
      return method === call.method && (path === url.pathname || path === call.path);
    });
    if (!key) return new Response(JSON.stringify({ code: "not_found", status: 404 }), { status: 404, headers: { "content-type": "application/problem+json" } });
    const answer = routes[key](call);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
  });
  return calls;
}

const ADMIN: SessionInfo = { role: "admin", tenant: null, token_id: null };

/** Renders `ui` at `path` (matched by `route`), signed in as `session` (the admin by default). */
export function renderPage(
  ui: ReactElement,
  { path = "/", route = "*", session = ADMIN }: { path?: string; route?: string; session?: SessionInfo } = {},
) {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queries}>
      <SessionContext.Provider
        value={{ session, checking: false, error: null, signIn: async () => true, signOut: () => {} }}
      >
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={ui} />
            <Route path="*" element={<p>elsewhere</p>} />
          </Routes>
        </MemoryRouter>
      </SessionContext.Provider>
    </QueryClientProvider>,
  );
}
