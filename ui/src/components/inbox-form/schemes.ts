// The verification schemes an inbox offers, and which fields each one needs.
import type { Schemas } from "../../api/client";

export type SchemeName = Schemas["SchemeName"];

export type SchemeInfo = {
  label: string;
  /** "required": the sender issues it; "generated": hookd makes one when left empty; "none": no secret. */
  secret: "required" | "generated" | "none";
  secretHint?: string;
  /** Signs a timestamp: a tolerance applies. */
  timestamp?: boolean;
  /** The header field: required for hmac, optional for token. */
  header?: "required" | "optional";
  /** hmac's algorithm, encoding and prefix. */
  hmac?: boolean;
};

export const SCHEMES: Record<SchemeName, SchemeInfo> = {
  standard: {
    label: "Standard Webhooks (another hookd, Svix, ...)",
    secret: "generated",
    secretHint: "A whsec_ secret, or a v1a public key whpk_. Leave empty to generate one.",
    timestamp: true,
  },
  hex: { label: "hookd's simple hex signature (x-webhook-signature)", secret: "generated" },
  github: { label: "GitHub (X-Hub-Signature-256)", secret: "generated", secretHint: "Leave empty to generate one; give the same to GitHub." },
  stripe: { label: "Stripe (Stripe-Signature)", secret: "required", secretHint: "The signing secret Stripe shows for the endpoint (whsec_...).", timestamp: true },
  shopify: { label: "Shopify (X-Shopify-Hmac-Sha256)", secret: "required", secretHint: "The app's client secret." },
  slack: { label: "Slack (X-Slack-Signature)", secret: "required", secretHint: "The app's signing secret.", timestamp: true },
  hmac: { label: "Any HMAC of the body", secret: "generated", header: "required", hmac: true },
  token: { label: "A token in a header", secret: "generated", header: "optional" },
  basic: { label: "HTTP Basic auth", secret: "generated", secretHint: "user:password. Leave empty to generate one." },
  none: { label: "None (a sender you trust by its address)", secret: "none" },
};

export const SCHEME_NAMES = Object.keys(SCHEMES) as SchemeName[];

/** Which scheme family a scheme belongs to, for the list: "provider", "hmac", "token", "none". */
export function schemeLabel(name: string): string {
  return SCHEMES[name as SchemeName]?.label.replace(/ \(.*\)$/, "") ?? name;
}
