// Copies a value to the clipboard and says so.
import { useState } from "react";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
    setTimeout(() => setCopied(null), 2000);
  }
  return (
    <button type="button" className="button button-small" onClick={copy} aria-label={label}>
      {copied === "yes" ? "Copied" : copied === "no" ? "Select and copy" : label}
    </button>
  );
}
