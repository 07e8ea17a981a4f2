-- How a webhook's deliveries are signed (the API's `signature`). Existing webhooks keep what
-- they had: Standard Webhooks v1 and the simple header x-webhook-signature without a prefix.
-- The scheme is the kind of `secret` (and is checked against it when read): v1 = HMAC-SHA256,
-- secret whsec_...; v1a = Ed25519, secret whsk_... (seed and public key). `previous_secret` may
-- be of the other kind after a change of scheme, and then signs in its own scheme.
ALTER TABLE webhooks
    ADD COLUMN signature_scheme TEXT NOT NULL DEFAULT 'v1',                    -- v1 | v1a
    ADD COLUMN simple_header    TEXT NOT NULL DEFAULT 'x-webhook-signature',   -- lower case
    ADD COLUMN simple_prefix    TEXT NOT NULL DEFAULT '';                      -- e.g. sha256=
