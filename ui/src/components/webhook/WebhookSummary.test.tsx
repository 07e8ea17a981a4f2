// The settings card says when adaptive concurrency holds a webhook below its max in flight.
import { render, screen } from "@testing-library/react";
import { WebhookSummary } from "./WebhookSummary";
import { aWebhook } from "./testData";

test("a webhook sent fewer requests at once than its maximum says so, and why", () => {
  render(<WebhookSummary webhook={aWebhook({ max_in_flight: 8, effective_in_flight: 2 })} />);
  expect(screen.getByText(/8 at once/)).toBeInTheDocument();
  expect(screen.getByText(/Now 2: the receiver answered 429 or 503 or timed out/)).toBeInTheDocument();
});

test("at its maximum, nothing more is said", () => {
  render(<WebhookSummary webhook={aWebhook({ max_in_flight: 8, effective_in_flight: 8 })} />);
  expect(screen.queryByText(/Now \d/)).toBeNull();
});
