// Replaying every stored request of a time window as new events, after a dry run that says how
// many it will replay and shows the first few.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { Time } from "../Time";
import { LiveStatus } from "../webhook/LiveStatus";
import { isoOfLocal } from "./localTime";

type Window = Schemas["ReplayWindow"];

export function ReplayWindow({ inboxId }: { inboxId: string }) {
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [verifiedOnly, setVerifiedOnly] = useState(true);
  const range: Window = { since: isoOfLocal(since), until: isoOfLocal(until), verified_only: verifiedOnly };
  const replay = (body: Window) =>
    call(api.POST("/api/inboxes/{id}/replay", { params: { path: { id: inboxId } }, body }));
  const preview = useMutation({ mutationFn: () => replay({ ...range, dry_run: true }) });
  const run = useMutation({ mutationFn: () => replay({ ...range, dry_run: false }) });

  function submit(e: FormEvent) {
    e.preventDefault();
    run.reset();
    preview.mutate();
  }
  const reset = () => {
    preview.reset();
    run.reset();
  };
  const matched = preview.data?.matched;

  return (
    <section className="card" aria-label="Replay a time window">
      <h2>Replay a time window</h2>
      <p className="hint">Publishes every stored request received in the window again, oldest first, as new events.</p>
      <form onSubmit={submit} className="toolbar">
        <Field label="Replay since">
          <input type="datetime-local" value={since} onChange={(e) => { setSince(e.target.value); reset(); }} />
        </Field>
        <Field label="Replay until">
          <input type="datetime-local" value={until} onChange={(e) => { setUntil(e.target.value); reset(); }} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={verifiedOnly} onChange={(e) => { setVerifiedOnly(e.target.checked); reset(); }} />
          Verified requests only
        </label>
        <button type="submit" className="button" disabled={preview.isPending}>
          {preview.isPending ? "Counting…" : "Preview replay"}
        </button>
      </form>
      <ErrorNotice error={preview.error ?? run.error} />
      <LiveStatus tone="info">
        {matched !== undefined && !run.data && (
          <>This will replay {matched} {matched === 1 ? "request" : "requests"}.</>
        )}
      </LiveStatus>
      {preview.data && preview.data.sample.length > 0 && !run.data && (
        <ul className="replay-sample" aria-label="First requests to replay">
          {preview.data.sample.map((r) => (
            <li key={r.id}>
              <span className="mono">{r.id}</span> · <Time iso={r.received_at} /> · {r.method}
            </li>
          ))}
        </ul>
      )}
      {matched !== undefined && matched > 0 && !run.data && (
        <button type="button" className="button button-primary" onClick={() => run.mutate()} disabled={run.isPending}>
          {run.isPending ? "Replaying…" : `Replay ${matched} ${matched === 1 ? "request" : "requests"}`}
        </button>
      )}
      <LiveStatus>
        {run.data && (
          <span>
            Replayed {run.data.matched} {run.data.matched === 1 ? "request" : "requests"} as new events
            {run.data.event_ids[0] && (
              <>
                {" "}
                (first: <Link to={`/events/${run.data.event_ids[0]}`}>{run.data.event_ids[0]}</Link>)
              </>
            )}
            .
          </span>
        )}
      </LiveStatus>
    </section>
  );
}
