// An event type's JSON Schema, folded away in a <details> until asked for.
import type { ReactNode } from "react";
import { prettyJson } from "../events/json";

export function SchemaDetails({ schema, summary }: { schema: unknown; summary: ReactNode }) {
  return (
    <details className="schema-details">
      <summary>{summary}</summary>
      <pre className="schema-json">{prettyJson(schema)}</pre>
    </details>
  );
}
