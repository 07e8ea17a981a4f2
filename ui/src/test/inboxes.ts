// Canned inboxes and requests for the inbox pages' tests.

export function inboxFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: "ibx_1", name: "github-prod", tenant: "default", description: "Issues", receive_url: "/in/ibx_1",
    verify: { scheme: "github", tolerance: "5m" }, dedupe: { key: "auto", window: "7d" }, allowed_ips: [],
    rate_limit: null, max_body_bytes: 1048576, event_type: "github.{header:X-GitHub-Event}",
    response: { status: 200, content_type: "application/json" }, playground: false, expires_at: null, active: true,
    created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z",
    ...overrides,
  };
}

export function requestFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: "req_1", inbox_id: "ibx_1", received_at: "2026-11-29T06:01:00.000Z", method: "POST", path: "/in/ibx_1",
    query: "", source_ip: "203.0.113.7", headers: [["x-github-event", "issues"]], body_size: 20,
    verified: true, verify_error: null, duplicate_of: null, event_id: "evt_1",
    ...overrides,
  };
}
