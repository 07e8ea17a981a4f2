// What a test delivery came to: whether the receiver took it, what it answered, and how fast.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { formatMs } from "../format";

export function TestResult({ result }: { result: Schemas["TestOut"] }) {
  return (
    <div className={`test-result test-result-${result.success ? "good" : "bad"}`}>
      <p className="test-result-title">
        {result.success
          ? "Delivered: the receiver accepted the test."
          : "Failed: the receiver did not accept the test."}
      </p>
      <dl className="facts">
        <dt>Response code</dt>
        <dd className="mono">{result.response_code ?? <span className="muted">no response</span>}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(result.duration_ms)}</dd>
        {result.error && (
          <>
            <dt>Error</dt>
            <dd>{result.error}</dd>
          </>
        )}
        <dt>Details</dt>
        <dd>
          <Link to={`/deliveries/${result.delivery_id}`}>Open the test delivery</Link>
        </dd>
      </dl>
      <h3>Response body</h3>
      {result.response_body ? (
        <pre>{result.response_body}</pre>
      ) : (
        <p className="muted">The response had no body.</p>
      )}
    </div>
  );
}
