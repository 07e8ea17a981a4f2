// Checks the JSON a person types into a textarea, with messages that say what is wrong.

export type JsonObjectCheck =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string };

/**
 * Parses `text` as a JSON object. `subject` names it in the message for a non-object value,
 * e.g. "Data must be a JSON object.".
 */
export function checkJsonObject(text: string, subject: string): JsonObjectCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Not valid JSON: ${reason}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: `${subject} must be a JSON object.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** `value` laid out for reading: two-space indents. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
