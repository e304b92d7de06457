"""Smoke test of a running Tandem: /healthz/ answers ok, and a demo login reaches the dashboard."""

import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request

base = sys.argv[1].rstrip("/")
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

deadline = time.monotonic() + 180
while True:
    try:
        with opener.open(f"{base}/healthz/", timeout=3) as response:
            print("healthz:", response.status, response.read().decode())
            break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"no answer from {base}/healthz/: {error}")
        time.sleep(1)

with opener.open(f"{base}/accounts/login/", timeout=10) as response:
    page = response.read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode(
    {"csrfmiddlewaretoken": token, "login": "client@example.com", "password": "tandem-demo"}
).encode()
request = urllib.request.Request(
    f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
)
with opener.open(request, timeout=10) as response:
    final_url, dashboard = response.geturl(), response.read().decode()
if urllib.parse.urlsplit(final_url).path != "/" or "Morgan" not in dashboard:
    sys.exit(f"demo login did not reach the dashboard (ended at {final_url})")
print("demo login: ok, dashboard greets Morgan")
