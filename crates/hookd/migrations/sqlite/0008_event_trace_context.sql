-- The W3C trace context an event was published in (the `traceparent` and `tracestate` headers
-- of POST /api/events), passed on to every attempt as a child span of the same trace.
-- traceparent: version 00 as hookd writes it (00-<trace id>-<caller's span id>-<flags>); NULL
-- when the event came without a valid one. tracestate: vendors' state, as received
-- (normalised); NULL when absent or invalid.
ALTER TABLE events ADD COLUMN traceparent TEXT;
ALTER TABLE events ADD COLUMN tracestate TEXT;
