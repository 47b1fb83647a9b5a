#!/usr/bin/env python3
"""Scrapes a Prometheus endpoint as Prometheus would, for the device check (the GPU machine has no Prometheus server):
GET URL every INTERVAL seconds until killed or SECONDS have passed, each page that answered 200 kept as
OUT_DIR/page-N.txt; a refused connection (the endpoint not up yet, or gone) is waited out.

    python3 bench/scrape_metrics.py http://127.0.0.1:9464/metrics OUT_DIR 120 [0.5]
"""
import os
import sys
import time
import urllib.request

url, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
os.makedirs(out, exist_ok=True)
end = time.time() + seconds
n = 0
while time.time() < end:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            if r.status == 200:
                with open(os.path.join(out, f"page-{n:05d}.txt"), "wb") as f:
                    f.write(r.read())
                n += 1
    except OSError:
        pass
    time.sleep(interval)
