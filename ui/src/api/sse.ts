// Server-Sent Events read with fetch(), because EventSource can't send an Authorization header:
// a parser for the text/event-stream format, and a follower that reconnects with Last-Event-ID.
import { authorization } from "./client";

export type SseEvent = { event: string; id: string | null; data: string };

/** Turns chunks of an event stream into whole events (lines may end in \n, \r\n or \r). */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === "") {
      const event =
        this.data.length > 0 ? { event: this.event || "message", id: this.id, data: this.data.join("\n") } : null;
      this.data = [];
      this.event = "";
      return event;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    return null;
  }
}

export type StreamState = "connecting" | "live" | "reconnecting";

/**
 * Follows the stream at `path` until `signal` aborts: each event goes to `onEvent`; after a
 * disconnect it waits `retryMs` and resumes after the last event seen (`Last-Event-ID`).
 */
export async function followStream(
  path: string,
  options: {
    lastEventId?: string | null;
    signal: AbortSignal;
    onEvent: (event: SseEvent) => void;
    onState?: (state: StreamState) => void;
    retryMs?: number;
  },
): Promise<void> {
  let lastId = options.lastEventId ?? null;
  const { signal } = options;
  while (!signal.aborted) {
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream", ...authorization() };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const url = new URL(path, globalThis.location?.origin ?? "http://localhost");
      const response = await globalThis.fetch(new Request(url, { headers, signal }));
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      options.onState?.("live");
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.feed(value)) {
          if (event.id) lastId = event.id;
          options.onEvent(event);
        }
      }
    } catch {
      // Aborted, refused or cut off: try again below unless aborted.
    }
    if (signal.aborted) return;
    options.onState?.("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
  }
}
