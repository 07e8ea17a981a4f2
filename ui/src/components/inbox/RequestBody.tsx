// A received body as it came: JSON laid out for reading, other text as is, bytes as base64.
import { prettyJson } from "../events/json";

/** The body for reading: pretty JSON when it parses, else the text unchanged. */
export function readableBody(text: string): { json: boolean; text: string } {
  try {
    return { json: true, text: prettyJson(JSON.parse(text)) };
  } catch {
    return { json: false, text };
  }
}

export function RequestBody({ body, base64 }: { body?: string | null; base64?: string | null }) {
  if (body === undefined || body === null) {
    if (!base64) return <p className="muted">No body.</p>;
    return (
      <>
        <p className="hint">Not UTF-8 text; shown in base64.</p>
        <pre className="code-block" aria-label="Body (base64)">
          {base64}
        </pre>
      </>
    );
  }
  if (body === "") return <p className="muted">Empty body.</p>;
  const shown = readableBody(body);
  return (
    <pre className="code-block" aria-label={shown.json ? "Body (JSON)" : "Body (raw)"}>
      {shown.text}
    </pre>
  );
}
