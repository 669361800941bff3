#!/usr/bin/env python3
"""End-to-end run of qcat's REST API on BANKING77 (issue 5, "on real input").

Against a running server (scripts/qcat-server start), through REST only:
  1. creates a taxonomy whose categories are the distinct outputs of --train,
  2. creates a dataset and imports --train through POST /datasets/{id}/import (seed JSONL),
  3. registers --model (+ --adapter) as a model version of that taxonomy and activates it,
  4. classifies every question of --test with --concurrency clients, one POST /classify each,
  5. prints throughput, latency percentiles, review rate, and accuracy of all predictions vs.
     the automatically routed ones, and writes every answer to --out (JSONL).
The dataset files are read where they are (../shared/datasets); nothing is copied.
Standard library only.
"""
import argparse, base64, json, statistics, sys, time, urllib.request, urllib.error
from concurrent.futures import ThreadPoolExecutor


def call(base, auth, method, path, body=None, ctype="application/json", headers=None):
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def must(status_body, what):
    status, body = status_body
    if status >= 300:
        sys.exit(f"{what}: HTTP {status}: {body}")
    return body


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:28080/qcat/api/v1")
    ap.add_argument("--admin", default="admin:admin-change-me", help="user:password of an admin")
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--model", required=True, help="base checkpoint directory, as the server sees it")
    ap.add_argument("--adapter", help="PEFT adapter directory, as the server sees it")
    ap.add_argument("--name", default="banking77-" + time.strftime("%Y%m%d%H%M%S"))
    ap.add_argument("--threshold", type=float, default=0.75)
    ap.add_argument("--audit-rate", type=float, default=0.02)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--limit", type=int, default=0, help="classify only the first N test questions")
    ap.add_argument("--out", default="banking77-rest.jsonl")
    a = ap.parse_args()

    train_raw = open(a.train, "rb").read()
    train = [json.loads(l) for l in train_raw.decode("utf-8").splitlines() if l.strip()]
    labels = sorted({r["output"] for r in train})
    instruction = train[0].get("instruction") or "Categorize the following user query."
    tax = must(call(a.base, a.admin, "POST", "/taxonomies", {
        "name": a.name, "instruction": instruction, "reviewThreshold": a.threshold,
        "auditRate": a.audit_rate,
        "categories": [{"name": l, "description": None, "parent": None, "reviewThreshold": None} for l in labels]}),
        "create taxonomy")
    tax_id = tax["id"]
    ds = must(call(a.base, a.admin, "POST", f"/taxonomies/{tax_id}/datasets", {"name": a.name + "-train"}), "create dataset")
    t = time.time()
    report = must(call(a.base, a.admin, "POST", f"/datasets/{ds['id']}/import", train_raw, "application/x-ndjson"), "import")
    import_s = time.time() - t
    print(f"taxonomy {tax_id} ({len(labels)} categories); import of {len(train)} lines in {import_s:.1f} s: "
          + json.dumps({k: v for k, v in report.items() if not isinstance(v, list)}))
    body = {"taxonomyId": tax_id, "name": a.name, "baseModelPath": a.model}
    if a.adapter:
        body["adapterPath"] = a.adapter
    mv = must(call(a.base, a.admin, "POST", "/model-versions", body), "register model version")
    t = time.time()
    must(call(a.base, a.admin, "POST", f"/model-versions/{mv['id']}/activate"), "activate")
    print(f"model version {mv['id']} activated in {time.time() - t:.1f} s")
    key = must(call(a.base, a.admin, "POST", "/api-clients", {"name": a.name + "-client"}), "api client")["key"]

    test = read_jsonl(a.test)
    if a.limit:
        test = test[: a.limit]

    def one(row):
        t0 = time.time()
        st, b = call(a.base, None, "POST", "/classify", {"taxonomy": a.name, "text": row["input"]},
                     headers={"X-API-Key": key})
        return row, st, b, time.time() - t0

    results, errors = [], 0
    t = time.time()
    with ThreadPoolExecutor(a.concurrency) as pool, open(a.out, "w", encoding="utf-8") as out:
        for i, (row, st, b, lat) in enumerate(pool.map(one, test), 1):
            if st != 200:
                errors += 1
                out.write(json.dumps({"input": row["input"], "gold": row["output"], "status": st, "error": b}) + "\n")
                continue
            results.append((row, b, lat))
            out.write(json.dumps({"input": row["input"], "gold": row["output"], "answer": b, "latency_s": lat}) + "\n")
            if i % 200 == 0:
                print(f"  {i}/{len(test)} classified, {i / (time.time() - t):.1f} questions/s", flush=True)
    wall = time.time() - t
    n = len(results)
    def cat(b):
        return b.get("category") if isinstance(b.get("category"), str) else (b.get("category") or {}).get("name")
    correct = [cat(b) == r["output"] for r, b, _ in results]
    routing = [b.get("routing") for _, b, _ in results]
    auto = [c for c, ro in zip(correct, routing) if ro == "AUTOMATIC"]
    lats = [l for _, _, l in results]
    print(f"classified {n} of {len(test)} questions in {wall:.1f} s with {a.concurrency} clients: "
          f"{n / wall:.2f} questions/s; errors {errors}")
    print(f"latency (client side) p50 {pct(lats, 50) * 1000:.0f} ms, p95 {pct(lats, 95) * 1000:.0f} ms, "
          f"p99 {pct(lats, 99) * 1000:.0f} ms")
    review = sum(1 for ro in routing if ro == "REVIEW")
    audit = sum(1 for ro in routing if ro == "AUDIT")
    print(f"routing: automatic {len(auto)} ({len(auto) / n:.1%}), review {review} ({review / n:.1%}), "
          f"audit {audit} ({audit / n:.1%})")
    print(f"accuracy of all predictions {sum(correct) / n:.4f}; of automatically routed ones "
          + (f"{sum(auto) / len(auto):.4f} ({len(auto)} predictions)" if auto else "n/a (none auto-routed)"))


if __name__ == "__main__":
    main()
