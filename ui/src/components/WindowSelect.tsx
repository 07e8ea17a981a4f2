// The "Window" picker of the dashboard and a webhook's page: which stretch of time the figures
// and charts cover.
import { WINDOWS } from "./timeWindows";

export function WindowSelect({ value, onChange }: { value: string; onChange: (window: string) => void }) {
  return (
    <label className="inline-select">
      <span>Window</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {WINDOWS.map(([window, words]) => (
          <option key={window} value={window}>
            {words}
          </option>
        ))}
      </select>
    </label>
  );
}
