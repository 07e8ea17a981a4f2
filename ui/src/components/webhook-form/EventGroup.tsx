// One group of event checkboxes in the Events fieldset ("hookd's own events", say): a title, and
// a checkbox per name, labelled by the name alone, with its description under it.
import { useId } from "react";

export interface EventOption {
  name: string;
  description?: string;
}

export function EventGroup({
  title,
  note,
  options,
  checked,
  disabled,
  onToggle,
}: {
  title: string;
  /** What the group's names have in common, under the title. */
  note?: string;
  options: EventOption[];
  checked: (name: string) => boolean;
  disabled: boolean;
  onToggle: (name: string, checked: boolean) => void;
}) {
  const id = useId();
  if (options.length === 0) return null;
  return (
    <div
      className="event-group"
      role="group"
      aria-labelledby={`${id}-title`}
      aria-describedby={note ? `${id}-note` : undefined}
    >
      <p className="event-group-title">
        <span id={`${id}-title`}>{title}</span>
        {note && (
          <span className="event-group-note" id={`${id}-note`}>
            {note}
          </span>
        )}
      </p>
      <ul className="event-options">
        {options.map((option, index) => (
          <li key={option.name} className="event-option">
            <label className="check">
              <input
                type="checkbox"
                checked={checked(option.name)}
                disabled={disabled}
                aria-describedby={option.description ? `${id}-${index}` : undefined}
                onChange={(e) => onToggle(option.name, e.target.checked)}
              />
              <span className="mono">{option.name}</span>
            </label>
            {option.description && (
              <p className="hint" id={`${id}-${index}`}>
                {option.description}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
