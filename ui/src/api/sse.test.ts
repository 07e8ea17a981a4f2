import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("reads events split across chunks, with ids, names and comments", () => {
    const parser = new SseParser();
    expect(parser.feed(": keep-alive\n\nevent: request\nid: req_1\nda")).toEqual([]);
    expect(parser.feed('ta: {"a":1}\n\n')).toEqual([{ event: "request", id: "req_1", data: '{"a":1}' }]);
  });

  it("joins data lines and accepts \\r\\n line ends split between chunks", () => {
    const parser = new SseParser();
    expect(parser.feed("data: one\r")).toEqual([]);
    expect(parser.feed("\ndata: two\r\n\r\n")).toEqual([{ event: "message", id: null, data: "one\ntwo" }]);
  });

  it("keeps the last id for later events", () => {
    const parser = new SseParser();
    const events = parser.feed("id: 7\ndata: a\n\ndata: b\n\n");
    expect(events.map((e) => e.id)).toEqual(["7", "7"]);
  });
});
