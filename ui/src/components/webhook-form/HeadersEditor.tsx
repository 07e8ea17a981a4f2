// Custom headers sent with every delivery: rows of name and value, added and removed by hand.
import { useEffect, useRef } from "react";
import { Field } from "../Field";
import { newHeaderRow, type HeaderRow } from "./values";

export function HeadersEditor({
  rows,
  onChange,
  errors,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  /** Messages by `header:<row id>`. */
  errors: Record<string, string>;
}) {
  // The row just added gets the focus, so typing can start at once.
  const added = useRef<number | null>(null);
  const nameInputs = useRef(new Map<number, HTMLInputElement>());
  useEffect(() => {
    if (added.current === null) return;
    nameInputs.current.get(added.current)?.focus();
    added.current = null;
  }, [rows]);

  function update(id: number, change: Partial<HeaderRow>) {
    onChange(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  }
  function add() {
    const row = newHeaderRow();
    added.current = row.id;
    onChange([...rows, row]);
  }

  return (
    <fieldset className="headers-editor">
      <legend>Custom headers</legend>
      {rows.length === 0 ? (
        <p className="hint">None. Headers added here are sent with every delivery, e.g. an API key.</p>
      ) : (
        <ul className="header-rows">
          {rows.map((row) => (
            <li key={row.id} className="header-row">
              <Field label="Header name" error={errors[`header:${row.id}`]}>
                <input
                  type="text"
                  value={row.name}
                  placeholder="X-Api-Key"
                  autoComplete="off"
                  spellCheck={false}
                  ref={(input) => {
                    if (input) nameInputs.current.set(row.id, input);
                    else nameInputs.current.delete(row.id);
                  }}
                  onChange={(e) => update(row.id, { name: e.target.value })}
                />
              </Field>
              <Field label="Header value">
                <input
                  type="text"
                  value={row.value}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => update(row.id, { value: e.target.value })}
                />
              </Field>
              <button
                type="button"
                className="button button-small header-remove"
                aria-label="Remove header"
                onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button button-small" onClick={add}>
        Add header
      </button>
    </fieldset>
  );
}
