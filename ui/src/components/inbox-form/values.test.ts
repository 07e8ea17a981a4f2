import { describe, expect, it } from "vitest";
import { emptyInboxValues, splitList, toCreateBody, toPatchBody } from "./values";

describe("inbox form values", () => {
  it("sends only the fields the scheme uses", () => {
    const values = { ...emptyInboxValues("default"), name: " gh ", scheme: "github" as const, header: "X-Ignored", tolerance: "1m" };
    expect(toCreateBody(values, { chooseTenant: false })).toEqual({
      name: "gh", description: "", verify: { scheme: "github" }, allowed_ips: [], rate_limit: null, active: true,
    });
    const hmac = { ...values, scheme: "hmac" as const, header: "X-Sig", algorithm: "sha512" as const, encoding: "base64" as const };
    expect(toCreateBody(hmac, { chooseTenant: true }).verify).toEqual({
      scheme: "hmac", header: "X-Sig", algorithm: "sha512", encoding: "base64", prefix: "",
    });
    const stripe = { ...values, scheme: "stripe" as const, secret: "whsec_x", tolerance: "1m" };
    expect(toCreateBody(stripe, { chooseTenant: false }).verify).toEqual({ scheme: "stripe", secret: "whsec_x", tolerance: "1m" });
  });

  it("puts emptied fields back to their defaults on PATCH, and keeps the secret unless one is typed", () => {
    const patch = toPatchBody({ ...emptyInboxValues("default"), name: "gh", scheme: "github" });
    expect(patch.event_type).toBeNull();
    expect(patch.response).toEqual({ status: null, content_type: null, body: null });
    expect(patch.verify?.secret).toBeUndefined();
  });

  it("reads addresses one per line or separated by commas", () => {
    expect(splitList("203.0.113.0/24\n 2001:db8::/32, 10.0.0.1 ")).toEqual(["203.0.113.0/24", "2001:db8::/32", "10.0.0.1"]);
  });
});
