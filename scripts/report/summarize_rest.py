#!/usr/bin/env python3
"""Summarises the JSONL written by banking77_rest.py (also a partial one, from a stopped run):
questions answered, errors, latency percentiles (server side), routing shares, and accuracy of all
predictions vs. the automatically routed ones. Usage: summarize_rest.py OUT.jsonl"""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
ok = [r for r in rows if "answer" in r]
errors = len(rows) - len(ok)
lat = sorted(r["answer"]["latencyMs"] for r in ok)
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))]
route = lambda r: r["answer"]["routing"]
right = lambda r: r["answer"]["category"] == r["gold"]
auto = [r for r in ok if route(r) == "AUTOMATIC"]
print(f"answered {len(ok)}, errors {errors}")
print(f"server latency p50 {pct(50)} ms, p95 {pct(95)} ms, p99 {pct(99)} ms")
for k in ("AUTOMATIC", "REVIEW", "AUDIT"):
    n = sum(1 for r in ok if route(r) == k)
    print(f"routing {k}: {n} ({n / len(ok):.1%})")
print(f"accuracy all {sum(map(right, ok)) / len(ok):.4f} (n={len(ok)}); auto-routed "
      + (f"{sum(map(right, auto)) / len(auto):.4f} (n={len(auto)})" if auto else "n/a"))
rev = [r for r in ok if route(r) != "AUTOMATIC"]
if rev:
    print(f"accuracy of those sent to review {sum(map(right, rev)) / len(rev):.4f} (n={len(rev)})")
