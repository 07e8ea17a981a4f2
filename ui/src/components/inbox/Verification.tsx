// Whether a received request verified, and why not; whether it was a duplicate.
import type { InboxRequest } from "./useInboxRequests";

type Checked = Pick<InboxRequest, "verified" | "verify_error" | "duplicate_of">;

export function Verification({ request, scheme }: { request: Checked; scheme?: string }) {
  if (!request.verified) {
    return <span className="badge badge-bad">not verified: {request.verify_error ?? "unknown reason"}</span>;
  }
  if (scheme === "none") return <span className="badge badge-muted">not checked</span>;
  return <span className="badge badge-good">signature valid</span>;
}

export function Duplicate({ request }: { request: Checked }) {
  if (!request.duplicate_of) return <span className="muted">new</span>;
  return (
    <span className="badge badge-wait" title={`A copy of ${request.duplicate_of}`}>
      duplicate
    </span>
  );
}
