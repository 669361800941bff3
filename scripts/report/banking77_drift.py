#!/usr/bin/env python3
"""BANKING77 drift -> retrain -> gate, end to end through REST (issue 7, "on real input").

Against a running server (scripts/qcat-server start), through REST and the batch jobs only:
  1. a taxonomy with all categories of --train; --held-out of them get no training data
     (the organisation has the categories but no labelled questions for them yet);
  2. imports the training lines of the other (known) categories as TRAIN, at most --per-category
     each, and --golden test questions per known category as TEST (the drift check's golden set);
  3. trains through the `lora-training` job (--epochs, --lr, modules_to_save embed_tokens) and
     activates the CANDIDATE it registers;
  4. sets the drift policy (thresholds relative to the model's validation accuracy, see --help)
     with retrainOnDrift;
  5. phase "in-distribution": streams test questions of known categories through POST /classify,
     the reviewers (this script, with the gold label) resolve every review task, and a drift-check
     schedule (cron, every minute) fires once -> expected OK;
  6. phase "shifted": streams test questions of the held-out categories (plus some known ones),
     reviewers resolve them, the schedule fires again -> expected DRIFT, which starts `retrain`
     (training on the latest data, i.e. with the reviewed examples, then the promotion gate);
  7. prints each step's figures and wall time, the drift checks and the gate's decision.
Test questions are disjoint across golden set and streams. The dataset files are read where they
are (../shared/datasets); nothing is copied. Standard library only.
"""
import argparse, collections, json, os, random, sys, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from banking77_rest import call, must, read_jsonl  # noqa: E402  (same folder)

T0 = time.time()


def log(msg):
    print(f"[{time.time() - T0:7.1f} s] {msg}", flush=True)


def ndjson(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:28080/qcat/api/v1")
    ap.add_argument("--admin", default="admin:admin-change-me", help="user:password of an admin")
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--model", required=True, help="base checkpoint directory, as the server sees it")
    ap.add_argument("--name", default="b77-drift-" + time.strftime("%Y%m%d%H%M%S"))
    ap.add_argument("--held-out", type=int, default=10, help="categories with no training data")
    ap.add_argument("--per-category", type=int, default=100, help="training lines per known category")
    ap.add_argument("--golden", type=int, default=6, help="golden TEST questions per known category")
    ap.add_argument("--stream-known", type=int, default=4, help="in-distribution questions per known category")
    ap.add_argument("--stream-held-out", type=int, default=40,
                    help="shifted questions per held-out category (40 = all of BANKING77's test questions of it). "
                         "The evolving validation set is golden + everything reviewed, so the share of held-out "
                         "questions in it bounds how far accuracy can fall: with 20 per category it was 21%%, "
                         "less than the 30%% fall the default DRIFT threshold (0.70x) asks for")
    ap.add_argument("--stream-mix-known", type=int, default=1, help="known questions per category in the shifted stream")
    ap.add_argument("--epochs", default="3")
    ap.add_argument("--lr", default="0.002")
    ap.add_argument("--batch-size", default="16")
    ap.add_argument("--recall-margin", type=float, default=0.15)
    ap.add_argument("--psi-warn", type=float, default=0.5,
                    help="PSI warning threshold; with ~4 live questions per category, sampling alone gives PSI ~ (K-1)/N")
    ap.add_argument("--psi-drift", type=float, default=1.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--poll", type=float, default=10.0)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    timings = collections.OrderedDict()

    train = read_jsonl(a.train)
    test = read_jsonl(a.test)
    labels = sorted({r["output"] for r in train})
    held_out = sorted(rnd.sample(labels, a.held_out))
    known = [l for l in labels if l not in held_out]
    log(f"{len(labels)} categories; held out of training: {', '.join(held_out)}")
    by_cat = collections.defaultdict(list)
    for r in train:
        by_cat[r["output"]].append(r)
    train_rows = []
    for l in known:
        rows = by_cat[l][:]
        rnd.shuffle(rows)
        train_rows += rows[: a.per_category]
    test_by = collections.defaultdict(list)
    for r in test:
        test_by[r["output"]].append(r)
    for l in test_by:
        rnd.shuffle(test_by[l])
    golden, stream1, stream2 = [], [], []
    for l in known:
        q = test_by[l]
        golden += q[: a.golden]
        stream1 += q[a.golden: a.golden + a.stream_known]
        stream2 += q[a.golden + a.stream_known: a.golden + a.stream_known + a.stream_mix_known]
    for l in held_out:
        stream2 += test_by[l][: a.stream_held_out]
    rnd.shuffle(stream1)
    rnd.shuffle(stream2)
    gold_of = {r["input"]: r["output"] for r in stream1 + stream2}

    # 1-2. taxonomy, dataset, imports
    instruction = train[0].get("instruction") or "Categorize the following user query."
    t = time.time()
    tax = must(call(a.base, a.admin, "POST", "/taxonomies", {
        "name": a.name, "instruction": instruction, "reviewThreshold": 0.75, "auditRate": 0.0,
        "categories": [{"name": l, "description": None, "parent": None, "reviewThreshold": None} for l in labels]}),
        "create taxonomy")
    tax_id = tax["id"]
    ds = must(call(a.base, a.admin, "POST", f"/taxonomies/{tax_id}/datasets", {"name": a.name + "-data"}), "create dataset")
    r1 = must(call(a.base, a.admin, "POST", f"/datasets/{ds['id']}/import?split=train", ndjson(train_rows),
                   "application/x-ndjson"), "import train")
    r2 = must(call(a.base, a.admin, "POST", f"/datasets/{ds['id']}/import?split=test", ndjson(golden),
                   "application/x-ndjson"), "import golden")
    timings["taxonomy + imports"] = time.time() - t
    brief = lambda r: {k: v for k, v in r.items() if not isinstance(v, (list, dict))}
    log(f"taxonomy {tax_id}; TRAIN import {len(train_rows)} lines: {json.dumps(brief(r1))}; "
        f"golden TEST import {len(golden)} lines: {json.dumps(brief(r2))}")

    # 3. initial training through the lora-training job
    params = {"baseModelPath": a.model, "epochs": a.epochs, "batchSize": a.batch_size, "learningRate": a.lr,
              "r": "8", "alpha": "16", "modulesToSave": "embed_tokens", "checkpointEvery": "100",
              "validationFraction": "0.1"}
    t = time.time()
    run = must(call(a.base, a.admin, "POST", "/jobs", {"job": "lora-training", "taxonomyId": tax_id,
                                                       "parameters": params}), "start lora-training")
    run = wait_job(a, run["jobInstanceId"], "lora-training")
    timings["lora-training job"] = time.time() - t
    result = json.loads(run["result"])
    mv_id = result["modelVersionId"]
    mv = must(call(a.base, a.admin, "GET", f"/model-versions/{mv_id}"), "model version")
    metrics = json.loads(mv["metrics"])
    val_acc, val_f1 = metrics.get("accuracy"), metrics.get("macroF1")
    log(f"CANDIDATE {mv_id}: validation accuracy {val_acc}, macro-F1 {val_f1}, T {mv['temperature']:.4f}, "
        f"steps {result['steps']}")
    t = time.time()
    must(call(a.base, a.admin, "POST", f"/model-versions/{mv_id}/activate"), "activate")
    timings["activate"] = time.time() - t

    # 4. policy: thresholds relative to what this (weak) model does on validation data
    pol = must(call(a.base, a.admin, "GET", f"/drift/policy?taxonomyId={tax_id}"), "policy")
    pol.update({"minAccuracyWarn": round(0.85 * val_acc, 3), "minAccuracyDrift": round(0.70 * val_acc, 3),
                "minMacroF1Warn": round(0.85 * val_f1, 3), "minMacroF1Drift": round(0.70 * val_f1, 3),
                "maxReviewRateWarn": 1.0, "maxReviewRateDrift": 1.0, "minLivePredictions": 20,
                "psiWarn": a.psi_warn, "psiDrift": a.psi_drift,
                "retrainOnDrift": True, "recallMargin": a.recall_margin})
    pol = must(call(a.base, a.admin, "PUT", "/drift/policy", pol), "set policy")
    log("drift policy: " + json.dumps(pol))
    key = must(call(a.base, a.admin, "POST", "/api-clients", {"name": a.name + "-client"}), "api client")["key"]

    checks = []
    for phase, stream in (("in-distribution", stream1), ("shifted", stream2)):
        t = time.time()
        answers = classify(a, key, stream)
        timings[f"{phase}: classify {len(stream)}"] = time.time() - t
        acc = sum(1 for r, b in answers if b and category(b) == r["output"]) / len(answers)
        routing = collections.Counter(b.get("routing") if b else "ERROR" for _, b in answers)
        log(f"{phase}: {len(stream)} questions in {time.time() - t:.1f} s; accuracy {acc:.3f}; routing {dict(routing)}")
        t = time.time()
        n = resolve_reviews(a, tax_id, gold_of)
        timings[f"{phase}: resolve {n} reviews"] = time.time() - t
        log(f"{phase}: reviewers resolved {n} tasks with the gold category")
        t = time.time()
        check = scheduled_check(a, tax_id, len(checks))
        timings[f"{phase}: scheduled drift-check"] = time.time() - t
        checks.append(check)
        log(f"{phase}: drift check {check['id']}: {check['verdict']} — {check['reason']}; accuracy "
            f"{check['accuracy']}, macro-F1 {check['macroF1']}, PSI {check['psi']}, KS {check['ks']}, "
            f"review rate {check['reviewRate']}, validation examples {check['validationExamples']}, "
            f"live predictions {check['livePredictions']}")

    if checks[-1]["verdict"] != "DRIFT":
        log("the shifted stream was not flagged DRIFT; no retrain to follow")
        report(timings)
        return
    # 6. the retrain the DRIFT verdict started
    t = time.time()
    retrain = None
    while retrain is None and time.time() - t < 300:
        runs = must(call(a.base, a.admin, "GET", f"/jobs?taxonomyId={tax_id}"), "jobs")
        retrain = next((r for r in runs if r["jobName"] == "retrain"), None)
        if retrain is None:
            time.sleep(a.poll)
    if retrain is None:
        sys.exit("no retrain job started within 5 minutes of the DRIFT verdict")
    log(f"retrain job instance {retrain['jobInstanceId']} started by {retrain['startedBy']}; parameters: "
        + retrain["parameters"].replace("\n", " "))
    retrain = wait_job(a, retrain["jobInstanceId"], "retrain")
    timings["retrain job (training + gate)"] = time.time() - t
    res = json.loads(retrain["result"])
    log(f"retrain exit status {retrain['exitStatus']}; promoted {res.get('promoted')}; gate: {json.dumps(res.get('gate'))}")
    versions = must(call(a.base, a.admin, "GET", f"/model-versions?taxonomyId={tax_id}"), "versions")
    for v in versions:
        log(f"model version {v['id']} {v['name']}: {v['status']}")
    report(timings)


def category(b):
    c = b.get("category")
    return c if isinstance(c, str) else (c or {}).get("name")


def classify(a, key, rows):
    def one(row):
        st, b = call(a.base, None, "POST", "/classify", {"taxonomy": a.name, "text": row["input"]},
                     headers={"X-API-Key": key})
        return row, (b if st == 200 else None)
    with ThreadPoolExecutor(a.concurrency) as pool:
        return list(pool.map(one, rows))


def resolve_reviews(a, tax_id, gold_of):
    n = 0
    while True:
        tasks = must(call(a.base, a.admin, "GET", f"/reviews?status=OPEN&taxonomyId={tax_id}&max=200"), "reviews")
        tasks = [t for t in tasks if t["question"] in gold_of]
        if not tasks:
            return n
        for task in tasks:
            must(call(a.base, a.admin, "POST", f"/reviews/{task['id']}/claim"), "claim")
            must(call(a.base, a.admin, "POST", f"/reviews/{task['id']}/resolve",
                      {"category": gold_of[task["question"]]}), "resolve")
            n += 1


def scheduled_check(a, tax_id, seen):
    """Enables a every-minute drift-check schedule, waits for the check it fires, disables it."""
    sched = must(call(a.base, a.admin, "PUT", "/schedules", {"taxonomyId": tax_id, "job": "drift-check",
                                                             "cron": "* * * * *", "parameters": "", "enabled": True}),
                 "schedule")
    log(f"drift-check schedule {sched['id']} enabled (cron '* * * * *'); waiting for it to fire")
    fired = False
    while True:
        runs = must(call(a.base, a.admin, "GET", f"/jobs?taxonomyId={tax_id}"), "jobs")
        drift_runs = [r for r in runs if r["jobName"] == "drift-check"]
        if len(drift_runs) > seen and not fired:
            fired = True
            must(call(a.base, a.admin, "PUT", "/schedules", {"taxonomyId": tax_id, "job": "drift-check",
                                                             "cron": "* * * * *", "parameters": "", "enabled": False}),
                 "disable schedule")
            log(f"schedule fired: drift-check job instance {drift_runs[0]['jobInstanceId']} "
                f"(started by {drift_runs[0]['startedBy']}); schedule disabled")
        checks = must(call(a.base, a.admin, "GET", f"/drift/checks?taxonomyId={tax_id}"), "checks")
        if len(checks) > seen:
            return sorted(checks, key=lambda c: c["id"])[-1]
        time.sleep(a.poll)


def wait_job(a, instance, what):
    last = 0
    while True:
        run = must(call(a.base, a.admin, "GET", f"/jobs/{instance}"), what)
        status = run.get("batchStatus")
        if status in ("COMPLETED", "FAILED", "STOPPED", "ABANDONED"):
            if status != "COMPLETED":
                log_text = must(call(a.base, a.admin, "GET", f"/jobs/{instance}/log"), "log")
                sys.exit(f"{what} job {instance} ended {status}: {log_text}")
            log(f"{what} job {instance} COMPLETED ({run.get('exitStatus')}) in {run.get('durationSeconds'):.0f} s")
            return run
        if time.time() - last > 60:
            last = time.time()
            log(f"{what} job {instance}: {status}, step {run.get('step')}/{run.get('totalSteps')}, "
                f"loss {run.get('loss')}, ETA {run.get('etaSeconds')} s")
        time.sleep(a.poll)


def report(timings):
    print("\nwhere the time went:")
    for k, v in timings.items():
        print(f"  {k:45s} {v:8.1f} s")
    print(f"  {'total':45s} {time.time() - T0:8.1f} s")


if __name__ == "__main__":
    main()
