// The About page: the server's version, database, retention spelled out, and limits.
import { screen } from "@testing-library/react";
import { About, spellDuration } from "./About";
import { fakeApi, renderPage } from "../test/render";

const server = {
  version: "0.1.0",
  database: "postgresql",
  retention: { events: "30d", attempts: "12h", inbox_requests: "1d" },
  limits: {
    max_event_bytes: 262144,
    max_batch_bytes: 16777216,
    max_webhooks_per_tenant: 1000,
    max_inboxes_per_tenant: 100,
    max_in_flight_per_webhook: 100,
  },
};

test("the page shows the database, each retention spelled out, and the limits", async () => {
  fakeApi({ "GET /api/server": () => ({ status: 200, body: server }) });
  renderPage(<About />);
  expect(await screen.findByText("PostgreSQL")).toBeInTheDocument();
  expect(screen.getByText("30 days")).toBeInTheDocument();
  expect(screen.getByText("12 hours")).toBeInTheDocument();
  expect(screen.getByText("1 day")).toBeInTheDocument();
  expect(screen.getByText("0.1.0")).toBeInTheDocument();
  expect(screen.getByText("1000")).toBeInTheDocument();
});

test("compact durations are spelled out, and anything else is shown as it is", () => {
  expect(spellDuration("90m")).toBe("90 minutes");
  expect(spellDuration("1s")).toBe("1 second");
  expect(spellDuration("weird")).toBe("weird");
});
