// A list of received requests, newest first: when, method, source, size, verification,
// duplicate; each opens to its details.
import { Time } from "../Time";
import { formatBytes } from "../format";
import { Duplicate, Verification } from "./Verification";
import type { InboxRequest } from "./useInboxRequests";

export function RequestsTable({
  requests,
  scheme,
  selected,
  onOpen,
}: {
  requests: InboxRequest[];
  scheme?: string;
  selected?: string | null;
  onOpen: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="Requests" className="requests-table">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col" className="hide-narrow">
              Method
            </th>
            <th scope="col" className="hide-narrow">
              Source
            </th>
            <th scope="col" className="hide-narrow">
              Size
            </th>
            <th scope="col">Verification</th>
            <th scope="col">Duplicate</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.id} aria-selected={selected === r.id} className={selected === r.id ? "selected" : undefined}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Open request ${r.id}`}
                  aria-expanded={selected === r.id}
                  onClick={() => onOpen(r.id)}
                >
                  <Time iso={r.received_at} />
                </button>
              </td>
              <td className="hide-narrow mono">{r.method}</td>
              <td className="hide-narrow mono">{r.source_ip}</td>
              <td className="hide-narrow">{formatBytes(r.body_size)}</td>
              <td className="wrap">
                <Verification request={r} scheme={scheme} />
              </td>
              <td>
                <Duplicate request={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
