// What the publish form knows of the chosen event type: its description and, when it has one,
// the JSON Schema its data must match; folded in a <details>.
import type { Schemas } from "../../api/client";
import { prettyJson } from "./json";

export function EventTypeInfo({ type }: { type: Schemas["EventTypeOut"] }) {
  return (
    <details className="event-type-info">
      <summary>
        About <span className="mono">{type.name}</span>
        {type.description && <>: {type.description}</>}
      </summary>
      <p>{type.description || "It has no description."}</p>
      {type.schema ? (
        <>
          <p>Its data must match this JSON Schema, or the event is refused:</p>
          <pre className="schema-json">{prettyJson(type.schema)}</pre>
        </>
      ) : (
        <p className="muted">It has no schema: any JSON object is accepted.</p>
      )}
    </details>
  );
}
