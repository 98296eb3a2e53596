#!/usr/bin/python3
"""A small OpenID Connect provider for tests, on 127.0.0.1 only.

Serves discovery, a JWKS (RS256), an authorization endpoint that approves the
configured user at once, and a token endpoint that checks the client secret,
the redirect URI and the PKCE verifier (S256). Prints "listening PORT" when ready.

The test sets who signs in next, and how the ID token should be spoiled, with
POST /_control {"email", "email_verified", "groups", "spoil"}; spoil is one of
"", "signature", "nonce", "audience", "issuer", "expired". The relying party's
redirect URI is registered with POST /_register {"redirect_uri"}.
"""

import argparse
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "test-key-1"


def b64url_uint(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwks():
    pub = KEY.public_key().public_numbers()
    return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                      "n": b64url_uint(pub.n), "e": b64url_uint(pub.e)}]}


class State:
    lock = threading.Lock()
    user = {"email": "alice@acme.test", "email_verified": True, "groups": [], "spoil": ""}
    codes = {}
    token_requests = []


def id_token(issuer, client_id, grant):
    now = int(time.time())
    user = grant["user"]
    claims = {
        "iss": issuer, "sub": "sub-" + str(user["email"]), "aud": client_id,
        "iat": now, "exp": now + 300, "nonce": grant["nonce"],
        "email": user["email"], "email_verified": user["email_verified"],
        "groups": user["groups"],
    }
    spoil = user["spoil"]
    if spoil == "nonce":
        claims["nonce"] = "not-the-nonce"
    elif spoil == "audience":
        claims["aud"] = "some-other-client"
    elif spoil == "issuer":
        claims["iss"] = "http://127.0.0.1:1/other-issuer"
    elif spoil == "expired":
        claims["iat"], claims["exp"] = now - 3600, now - 1800
    if user["email"] is None:
        del claims["email"]
    token = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": KID})
    if spoil == "signature":
        # Same header and signature, a payload naming someone else (an owner).
        head, _, sig = token.split(".")
        claims["email"] = "boss@acme.test"
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        token = ".".join([head, body, sig])
    return token


class Handler(BaseHTTPRequestHandler):
    server_version = "test-oidc/1"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode()

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        issuer = self.server.issuer
        if url.path == "/.well-known/openid-configuration":
            return self.send_json(200, {
                "issuer": issuer,
                "authorization_endpoint": issuer + "/authorize",
                "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "claims_supported": ["sub", "email", "email_verified", "groups"],
            })
        if url.path == "/jwks":
            return self.send_json(200, jwks())
        if url.path == "/authorize":
            q = dict(urllib.parse.parse_qsl(url.query))
            if q.get("client_id") != self.server.client_id:
                return self.send_json(400, {"error": "unauthorized_client"})
            if q.get("redirect_uri") != self.server.redirect_uri:
                return self.send_json(400, {"error": "invalid_request", "error_description": "redirect_uri"})
            if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
                return self.send_json(400, {"error": "invalid_request"})
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return self.send_json(400, {"error": "invalid_request", "error_description": "PKCE S256 required"})
            code = secrets.token_urlsafe(24)
            with State.lock:
                State.codes[code] = {"nonce": q.get("nonce"), "challenge": q["code_challenge"],
                                     "redirect_uri": q["redirect_uri"], "user": dict(State.user)}
            target = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q.get("state", "")})
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if url.path == "/_token_requests":
            with State.lock:
                return self.send_json(200, State.token_requests)
        return self.send_json(404, {"error": "not_found"})

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/_register":
            self.server.redirect_uri = json.loads(self.body())["redirect_uri"]
            return self.send_json(200, {"redirect_uri": self.server.redirect_uri})
        if url.path == "/_control":
            with State.lock:
                State.user = {"email": "alice@acme.test", "email_verified": True,
                              "groups": [], "spoil": "", **json.loads(self.body())}
            return self.send_json(200, State.user)
        if url.path != "/token":
            return self.send_json(404, {"error": "not_found"})
        form = dict(urllib.parse.parse_qsl(self.body()))
        cid, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth[6:]).decode()
            cid, _, secret = pair.partition(":")
            cid, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
        with State.lock:
            State.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
            grant = State.codes.pop(form.get("code", ""), None)
        if cid != self.server.client_id or secret != self.server.client_secret:
            return self.send_json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self.send_json(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or digest != grant["challenge"]:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "PKCE verifier"})
        token = id_token(self.server.issuer, self.server.client_id, grant)
        return self.send_json(200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                                    "expires_in": 300, "id_token": token})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.issuer = f"http://127.0.0.1:{port}"
    server.client_id, server.client_secret = args.client_id, args.client_secret
    server.redirect_uri = None
    print(f"listening {port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
