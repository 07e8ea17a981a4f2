// Cursor paging for the API's lists: "Newer" goes back along the cursors seen, "Older" follows
// `next_cursor`.
import { useCallback, useState } from "react";

export function useCursorPages() {
  const [stack, setStack] = useState<string[]>([]);
  const cursor = stack.length > 0 ? stack[stack.length - 1] : undefined;
  const older = useCallback((next: string) => setStack((s) => [...s, next]), []);
  const newer = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  const reset = useCallback(() => setStack([]), []);
  return { cursor, page: stack.length + 1, older, newer, reset };
}

export function Pager({
  page,
  nextCursor,
  onOlder,
  onNewer,
}: {
  page: number;
  nextCursor: string | null | undefined;
  onOlder: (cursor: string) => void;
  onNewer: () => void;
}) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button button-small" disabled={page === 1} onClick={onNewer}>
        Newer
      </button>
      <span aria-live="polite">Page {page}</span>
      <button
        type="button"
        className="button button-small"
        disabled={!nextCursor}
        onClick={() => nextCursor && onOlder(nextCursor)}
      >
        Older
      </button>
    </nav>
  );
}
