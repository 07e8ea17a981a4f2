// The audit log as a table: when, who, what, to which resource, and from where.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { Time } from "../Time";
import { actionLabel, detailText } from "./actions";

function Target({ entry }: { entry: Schemas["AuditOut"] }) {
  const live = entry.action.startsWith("webhook.") && entry.action !== "webhook.deleted";
  if (live) return <Link to={`/webhooks/${entry.target}`} className="mono">{entry.target}</Link>;
  if (entry.action === "delivery.retried") return <Link to={`/deliveries/${entry.target}`} className="mono">{entry.target}</Link>;
  return <span className="mono">{entry.target}</span>;
}

export function AuditTable({ entries }: { entries: Schemas["AuditOut"][] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Actor</th>
            <th scope="col" className="hide-narrow">Tenant</th>
            <th scope="col" className="hide-narrow">Details</th>
            <th scope="col" className="hide-narrow">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <Time iso={entry.at} />
              </td>
              <td>{actionLabel(entry.action)}</td>
              <td className="wrap">
                <Target entry={entry} />
              </td>
              <td className="mono">{entry.actor}</td>
              <td className="mono hide-narrow">{entry.tenant ?? "—"}</td>
              <td className="wrap hide-narrow">{detailText(entry.detail as Record<string, unknown>) || "—"}</td>
              <td className="mono hide-narrow">{entry.source_ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
