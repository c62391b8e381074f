"""FHIR input and the service: how long reading a Bundle and answering a hook take.

Usage: python bench/bench_fhir.py [--samples ../shared/fhir-samples] [--requests 200]

Prints, per sample folder, the time to read each file into patients (median and largest file) and
to screen them against every cohort of the seed trial; then the latency of the real service
(POST /screen with the bundled FHIR example, and the patient-view hook) over loopback, one client.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.request
from pathlib import Path

from screening import load_trial, screen_cohorts
from screening.fhir import load_fhir
from screening.service import make_server

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".ndjson"))


def bench_reading(samples: Path) -> None:
    trial = load_trial(ROOT / "rules" / "NCT03944499.toml")
    for folder in sorted(p for p in samples.iterdir() if p.is_dir()):
        files = [folder] if folder.name.endswith("ndjson") else _files(folder)
        read, screened, sizes = [], [], []
        for f in files:
            size = sum(p.stat().st_size for p in _files(f)) if f.is_dir() else f.stat().st_size
            t0 = time.perf_counter()
            found = load_fhir([f])
            t1 = time.perf_counter()
            for p in found:
                screen_cohorts(trial, p.patient)
            t2 = time.perf_counter()
            read.append(t1 - t0)
            screened.append(t2 - t1)
            sizes.append(size)
        big = max(range(len(files)), key=lambda i: sizes[i])
        print(f"{folder.name}: {len(files)} inputs; read median {statistics.median(read) * 1e3:.1f} ms, "
              f"largest ({sizes[big] / 1e6:.2f} MB) {read[big] * 1e3:.1f} ms; "
              f"screen all cohorts median {statistics.median(screened) * 1e3:.1f} ms")


def bench_service(requests: int) -> None:
    server = make_server([ROOT / "rules" / "NCT03944499.toml"], port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    bundle = json.loads((ROOT / "examples" / "patient_bundle.json").read_text(encoding="utf-8"))
    patient = bundle["entry"][0]["resource"]
    others = [e["resource"] for e in bundle["entry"][1:]]
    for r in others:
        r["subject"] = {"reference": f"Patient/{patient['id']}"}
    hook = {"hook": "patient-view", "hookInstance": "bench", "context": {"patientId": patient["id"]},
            "prefetch": {"patient": patient, "everything": {"resourceType": "Bundle", "type": "searchset",
                                                            "entry": [{"resource": r} for r in others]}}}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for name, path, body in (("POST /screen (FHIR Bundle, 3 cohorts)", "/screen", {"patient": bundle}),
                             ("patient-view hook (3 cards)", "/cds-services/screening-trials", hook)):
        data = json.dumps(body).encode()
        times = []
        for _ in range(requests):
            req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            with opener.open(req) as resp:
                resp.read()
            times.append(time.perf_counter() - t0)
        times.sort()
        print(f"{name}: median {statistics.median(times) * 1e3:.1f} ms, "
              f"p95 {times[int(len(times) * 0.95)] * 1e3:.1f} ms over {requests} requests")
    server.shutdown()
    server.server_close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "fhir-samples")
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    if args.samples.is_dir():
        bench_reading(args.samples)
    else:
        print(f"{args.samples}: not found; reading benchmark skipped")
    bench_service(args.requests)


if __name__ == "__main__":
    main()
