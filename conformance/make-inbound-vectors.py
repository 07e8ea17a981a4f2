#!/usr/bin/env python3
"""Makes the inbound vectors of vectors.json: the schemes hookd's inboxes verify besides its own
Standard Webhooks (whose vectors come from the reference libraries and make-v1a-vectors.mjs).

Each vector is a request as a receiver sees it: the scheme, its options, the secret, the
headers, the payload, the receiver's clock `now` (schemes that sign a timestamp) and the
sender's own delivery id (`sender_id`, null where the scheme has none). Where the provider
publishes a library, the vector is made with it and verified by it:

- stripe: the `stripe` package (WebhookSignature.generate_signature_header and
  _compute_signature; every header then passes WebhookSignature.verify_header at `now`);
- slack: Slack's published example, checked with the `slack_sdk` package, whose
  SignatureVerifier also signs the Events API vector;
- github: GitHub's published example (already in the file), checked here with Python's hmac;
- shopify: Shopify publishes no vector, and its Python package (ShopifyAPI) verifies only OAuth
  query strings, so these are made with Python's standard hmac and base64 following Shopify's
  documented algorithm: base64 of HMAC-SHA256 of the raw body keyed with the app's secret;
- hex, hmac, token, basic: Python's standard library (hmac, hashlib, base64).

    python3 -m venv /tmp/vecenv && /tmp/vecenv/bin/pip install stripe==16.1.0 slack_sdk==3.48.0
    /tmp/vecenv/bin/python conformance/make-inbound-vectors.py          rewrites vectors.json
    /tmp/vecenv/bin/python conformance/make-inbound-vectors.py --check  fails if it differs

HMAC is deterministic and every timestamp is fixed, so running this again reproduces the file;
only the `source` lines name the library versions, and --check ignores them.
"""

import base64
import hashlib
import hmac
import json
import sys
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import slack_sdk.signature
import stripe
import stripe._webhook

FILE = Path(__file__).with_name("vectors.json")
STDLIB = f"Python {sys.version.split()[0]} standard library"


def hmac_digest(algorithm, key, message):
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), algorithm).digest()


# --- Stripe -------------------------------------------------------------------------------------

STRIPE = f"stripe (Python) {version('stripe')}"
# stripe-python's tests/test_webhook.py: DUMMY_WEBHOOK_PAYLOAD and DUMMY_WEBHOOK_SECRET.
STRIPE_TEST_PAYLOAD = """{
  "id": "evt_test_webhook",
  "object": "event",
  "data": { "object": { "id": "rdr_123", "object": "terminal.reader" } }
}"""
STRIPE_TEST_SECRET = "whsec_test_secret"


def stripe_verified(payload, header, secret, now):
    """Stripe's own check, with its clock at `now` and a 300 s tolerance."""
    with mock.patch.object(stripe._webhook.time, "time", return_value=now):
        assert stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=300)
    return header


def stripe_vector(source, secret, payload, header, now, sender_id):
    return {
        "source": source,
        "scheme": "stripe",
        "secret": secret,
        "now": now,
        "headers": {"Stripe-Signature": stripe_verified(payload, header, secret, now)},
        "payload": payload,
        "sender_id": sender_id,
    }


def stripe_vectors():
    compute = stripe.WebhookSignature._compute_signature
    timestamp = 1700000000
    single = stripe.WebhookSignature.generate_signature_header(
        STRIPE_TEST_PAYLOAD, STRIPE_TEST_SECRET, timestamp
    )
    # During a secret roll Stripe signs with every live secret, one v1 each; test-mode events
    # also carry a v0. Any v1 may match.
    event = json.dumps(
        {
            "id": "evt_1PdGSD2eZvKYlo2C1yVhx0Jq",
            "object": "event",
            "api_version": "2024-06-20",
            "created": 1721234567,
            "data": {"object": {"id": "pi_3PdGSC2eZvKYlo2C0", "object": "payment_intent",
                                "amount": 2000, "currency": "eur",
                                "description": "Café crème ✓"}},
            "livemode": False,
            "type": "payment_intent.succeeded",
        },
        ensure_ascii=False,
    )
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    rolled = 1721234570
    signed = f"{rolled}.{event}"
    header = ",".join(
        [
            f"t={rolled}",
            f"v1={compute(signed, 'whsec_the_previous_secret_still_live')}",
            f"v1={compute(signed, secret)}",
            f"v0={compute(signed, 'whsec_test_mode_v0')}",
        ]
    )
    return [
        stripe_vector(
            f"{STRIPE}: WebhookSignature.generate_signature_header(payload, secret, {timestamp}) "
            "with the payload and secret of stripe-python's tests/test_webhook.py "
            "(DUMMY_WEBHOOK_PAYLOAD, DUMMY_WEBHOOK_SECRET); passes WebhookSignature.verify_header",
            STRIPE_TEST_SECRET, STRIPE_TEST_PAYLOAD, single, timestamp + 12, "evt_test_webhook",
        ),
        stripe_vector(
            f"{STRIPE}: two v1 entries (a rolled secret's, then this secret's) and a v0, each "
            "WebhookSignature._compute_signature('<t>.<payload>', secret); the whsec_ secret is "
            "the UTF-8 key as a whole, as Stripe uses it; passes WebhookSignature.verify_header",
            secret, event, header, rolled - 40, "evt_1PdGSD2eZvKYlo2C1yVhx0Jq",
        ),
    ]


# --- Slack --------------------------------------------------------------------------------------

SLACK = f"slack_sdk {version('slack_sdk')}"
SLACK_DOCS_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_DOCS_TIMESTAMP = 1531420618
SLACK_DOCS_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_DOCS_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class Clock:
    def __init__(self, now):
        self.value = now

    def now(self):
        return self.value


def slack_vector(source, secret, timestamp, body, signature, now, sender_id):
    verifier = slack_sdk.signature.SignatureVerifier(secret, clock=Clock(now))
    assert verifier.generate_signature(timestamp=str(timestamp), body=body) == signature
    assert verifier.is_valid(body, str(timestamp), signature)
    return {
        "source": source,
        "scheme": "slack",
        "secret": secret,
        "now": now,
        "headers": {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature},
        "payload": body,
        "sender_id": sender_id,
    }


def slack_vectors():
    event = json.dumps(
        {
            "token": "XXYYZZ",
            "team_id": "T123ABC456",
            "api_app_id": "A123ABC456",
            "event": {"type": "app_mention", "user": "U123ABC456", "text": "<@U0LAN0Z89> ünïcode ✓",
                      "ts": "1515449522.000016", "channel": "C123ABC456",
                      "event_ts": "1515449522000016"},
            "type": "event_callback",
            "event_id": "Ev123ABC456",
            "event_time": 1515449522000016,
        },
        ensure_ascii=False,
    )
    timestamp = 1700000000
    signer = slack_sdk.signature.SignatureVerifier(SLACK_DOCS_SECRET)
    signature = signer.generate_signature(timestamp=str(timestamp), body=event)
    return [
        slack_vector(
            "Slack's published example (api.slack.com/authentication/verifying-requests-from-slack"
            ", a slash command; copied in slackapi/python-slack-sdk "
            f"tests/signature/test_signature_verifier.py); {SLACK} SignatureVerifier reproduces "
            "the signature and is_valid accepts it at that time",
            SLACK_DOCS_SECRET, SLACK_DOCS_TIMESTAMP, SLACK_DOCS_BODY, SLACK_DOCS_SIGNATURE,
            SLACK_DOCS_TIMESTAMP, None,
        ),
        slack_vector(
            f"{SLACK} SignatureVerifier.generate_signature(timestamp, body) of an Events API "
            "event_callback body (the shape of Slack's documented app_mention example), "
            "with the docs' signing secret",
            SLACK_DOCS_SECRET, timestamp, event, signature, timestamp - 3, "Ev123ABC456",
        ),
    ]


# --- GitHub -------------------------------------------------------------------------------------


def github_vectors(existing):
    """GitHub's published example, given the shape of the others and checked."""
    out = []
    for vector in existing:
        expected = hmac_digest(hashlib.sha256, vector["secret"], vector["payload"]).hex()
        assert vector["header"] == f"sha256={expected}", vector
        out.append(
            {
                "source": vector["source"],
                "scheme": "github",
                "secret": vector["secret"],
                "payload": vector["payload"],
                "header": vector["header"],
                "headers": {"X-Hub-Signature-256": vector["header"]},
                "sender_id": None,
            }
        )
    return out


# --- Shopify ------------------------------------------------------------------------------------


def shopify_vector(secret, payload, webhook_id):
    digest = hmac_digest(hashlib.sha256, secret, payload)
    return {
        "source": f"{STDLIB} (hmac, hashlib.sha256, base64.b64encode) following Shopify's "
        "documented algorithm; ShopifyAPI has no webhook check to make it with",
        "scheme": "shopify",
        "secret": secret,
        "headers": {
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode("ascii"),
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Webhook-Id": webhook_id,
        },
        "payload": payload,
        "sender_id": webhook_id,
    }


def shopify_vectors():
    order = json.dumps(
        {"id": 820982911946154508, "email": "jon@example.com", "total_price": "403.00",
         "note": "Crème brûlée ✓", "line_items": [{"id": 866550311766439020, "quantity": 1}]},
        ensure_ascii=False,
    )
    return [
        shopify_vector("hush", order, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
        shopify_vector("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", "{}", "1a2b3c4d-0000-4000-8000-000000000001"),
    ]


# --- hookd's simple scheme ----------------------------------------------------------------------


def hex_vectors():
    body = '{"id":"evt_01JD3Q0ZB1X6V7K9T2M4N8P5RS","type":"order.created","data":{"amount":42}}'
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    mine = hmac_digest(hashlib.sha256, secret, body).hex()
    old = hmac_digest(hashlib.sha256, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", body).hex()
    source = (
        f"{STDLIB}: hmac.new(secret as UTF-8, body, sha256).hexdigest(), the key the whole "
        "secret string (not base64-decoded)"
    )
    headers = [mine, f"sha256={mine}", f"{old} {mine}", f"sha256={old} sha256={mine.upper()}"]
    notes = ["", ", with the sha256= prefix", ", in a rotation list after the old secret's",
             ", prefixed, upper-case hex, in a rotation list"]
    return [
        {"source": source + note, "scheme": "hex", "secret": secret,
         "headers": {"x-webhook-signature": header}, "payload": body, "sender_id": None}
        for header, note in zip(headers, notes)
    ]


# --- generic HMAC -------------------------------------------------------------------------------


def hmac_vectors():
    body = '{"event":"push","ref":"refs/heads/main","note":"ünïcode ✓"}'
    cases = [
        ("sha1", "hex", "sha1=", "X-Hub-Signature"),
        ("sha1", "base64", "", "X-Signature"),
        ("sha256", "hex", "", "X-Signature"),
        ("sha256", "base64", "sha256=", "X-Signature-256"),
        ("sha512", "hex", "sha512=", "X-Signature-512"),
        ("sha512", "base64", "", "X-Body-Signature"),
    ]
    secret = "generic-hmac-secret ✓"
    out = []
    for algorithm, encoding, prefix, header in cases:
        digest = hmac_digest(getattr(hashlib, algorithm), secret, body)
        encoded = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")
        out.append(
            {
                "source": f"{STDLIB}: {encoding} of hmac.new(secret as UTF-8, body, "
                f"hashlib.{algorithm}).digest(), after the prefix {prefix!r}",
                "scheme": "hmac",
                "options": {"header": header, "algorithm": algorithm, "encoding": encoding,
                            "prefix": prefix},
                "secret": secret,
                "headers": {header: prefix + encoded},
                "payload": body,
                "sender_id": None,
            }
        )
    upper = dict(out[2], headers={"X-Signature": out[2]["headers"]["X-Signature"].upper()})
    upper["source"] += "; the hex in upper case"
    out.append(upper)
    return out


# --- token and basic ----------------------------------------------------------------------------


def token_vectors():
    cases = [("X-Api-Token", "tok_4f9c2b7e1d8a6053"), ("X-Gitlab-Token", "gitlab secret token ✓")]
    return [
        {"source": f"{STDLIB}: the header holds the secret as it is", "scheme": "token",
         "options": {"header": header}, "secret": secret, "headers": {header: secret},
         "payload": '{"object_kind":"push"}', "sender_id": None}
        for header, secret in cases
    ]


def basic_vectors():
    cases = [
        ("hookd:correct horse battery staple", "Basic"),
        ("Aladdin:open sesame", "Basic"),  # RFC 7617's example: QWxhZGRpbjpvcGVuIHNlc2FtZQ==
        ("user:pa:ss wörd", "basic"),  # a colon in the password, UTF-8, the scheme's case
    ]
    out = []
    for secret, scheme in cases:
        encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
        out.append(
            {"source": f"{STDLIB}: '{scheme} ' + base64.b64encode(user:password as UTF-8)",
             "scheme": "basic", "secret": secret, "headers": {"Authorization": f"{scheme} {encoded}"},
             "payload": "{}", "sender_id": None}
        )
    assert out[1]["headers"]["Authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    return out


ABOUT = (
    "Signature test vectors. Most are copied from the public libraries named in each 'source'; "
    "standard_webhooks_v1a is made by make-v1a-vectors.mjs beside this file with Node.js's "
    "built-in crypto (OpenSSL), an implementation independent of hookd's, because the Standard "
    "Webhooks reference libraries publish no v1a vectors; ed25519_rfc8032 is copied from RFC 8032 "
    "and checks the raw primitive (that script checks Node against it first). A vector with "
    "payload_repeat means the payload is the string repeated that many times. The inbound keys "
    "(hex, github_x_hub_signature_256, stripe, shopify, slack, hmac, token, basic) are made or "
    "checked by make-inbound-vectors.py: each is a request as a receiver sees it (scheme, options, "
    "secret, headers, payload, the receiver's clock 'now' where the scheme signs a timestamp, and "
    "the sender's own delivery id 'sender_id', null where the scheme has none)."
)


def main():
    text = FILE.read_text(encoding="utf-8")
    everything = json.loads(text)
    everything["about"] = ABOUT
    everything["github_x_hub_signature_256"] = github_vectors(
        everything["github_x_hub_signature_256"]
    )
    everything["hex"] = hex_vectors()
    everything["stripe"] = stripe_vectors()
    everything["shopify"] = shopify_vectors()
    everything["slack"] = slack_vectors()
    everything["hmac"] = hmac_vectors()
    everything["token"] = token_vectors()
    everything["basic"] = basic_vectors()
    made = json.dumps(everything, indent=1, ensure_ascii=False)
    if "--check" in sys.argv:

        def unsourced(value):
            if isinstance(value, dict):
                return {k: unsourced(v) for k, v in value.items() if k != "source"}
            if isinstance(value, list):
                return [unsourced(v) for v in value]
            return value

        assert unsourced(json.loads(made)) == unsourced(json.loads(text)), (
            "vectors.json differs from what make-inbound-vectors.py makes"
        )
        print("vectors.json holds what make-inbound-vectors.py makes")
    else:
        FILE.write_text(made, encoding="utf-8")
        print(f"wrote the inbound vectors to {FILE}")


if __name__ == "__main__":
    main()
