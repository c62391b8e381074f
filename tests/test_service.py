"""The CDS Hooks service as an EHR sees it: a real server on a free port, called over HTTP.

Hand-checked facts used below (examples/patient.json, rules/NCT03944499.toml):

* demo-001 has hemoglobin 11.2 g/dL = 112 g/L; the trial asks "hemoglobin ≥ 90g/L" in inclusion.5.
  Set to 6.0 g/dL it is 60 g/L < 90 g/L, so inclusion.5 is not met and every cohort is ineligible.
* A lab value needs its unit: 12 alone could be g/dL or g/L, so the patient is refused (400).
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import io
import json
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import screening
from screening import screen
from screening import service
from screening.errors import ScreeningError
from screening.patient import parse_patient
from screening.service import make_server

ROOT = Path(__file__).parent.parent
TRIAL_PATH = ROOT / "rules" / "NCT03944499.toml"
PATIENT: dict[str, Any] = json.loads((ROOT / "examples" / "patient.json").read_text(encoding="utf-8"))
COHORTS = ["phase_ia", "phase_ib", "pivotal"]
HOOK = "/cds-services/screening-trials"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


@contextmanager
def _running(**options: Any) -> Iterator[str]:
    server = make_server([TRIAL_PATH], host="127.0.0.1", port=0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with _running(quiet=True) as url:
        yield url


@pytest.fixture(scope="module")
def logged() -> Iterator[tuple[str, io.StringIO]]:
    """A second server: a small body limit, and its access log kept for reading."""
    log = io.StringIO()
    with _running(max_body=10_000, log_stream=log) as url:
        yield url, log


def call(url: str, method: str = "GET", body: Any = None, *, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    """Status, headers and decoded JSON body of one request."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers={**sent, **(headers or {})})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            assert err.headers["Content-Type"] == "application/json; charset=utf-8"
            return err.code, err.headers, json.loads(err.read())


def with_hemoglobin(value: Any, unit: str | None) -> dict[str, Any]:
    patient = copy.deepcopy(PATIENT)
    for obs in patient["observations"]:
        if obs.get("concept") == "hemoglobin":
            obs["value"] = value
            if unit is None:
                obs.pop("unit")
            else:
                obs["unit"] = unit
    return patient


def hemoglobin_observation(patient_id: str) -> dict[str, Any]:
    """A FHIR hemoglobin result of 6.0 g/dL from three days ago (fresh: the trial allows 28)."""
    return {
        "resourceType": "Observation", "id": "hb-1", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7",
                             "display": "Hemoglobin [Mass/volume] in Blood"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "valueQuantity": {"value": 6.0, "unit": "g/dL", "system": "http://unitsofmeasure.org",
                          "code": "g/dL"},
    }


FHIR_PATIENT = {"resourceType": "Patient", "id": "hook-1", "gender": "female", "birthDate": "1970-03-14"}


# --------------------------------------------------------------------------- discovery, health


def test_discovery_declares_the_patient_view_service_and_its_prefetch(base: str) -> None:
    status, headers, body = call(base + "/cds-services")
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Server"].startswith(f"screening/{screening.__version__}")
    [svc] = body["services"]
    assert (svc["hook"], svc["id"]) == ("patient-view", "screening-trials")
    assert "NCT03944499" in svc["description"]
    assert svc["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert set(svc["prefetch"]) == {"patient", "observations", "conditions", "medicationRequests",
                                    "medicationStatements", "procedures"}


def test_health(base: str) -> None:
    assert call(base + "/health")[::2] == (200, {"status": "ok", "trials": ["NCT03944499"]})


# --------------------------------------------------------------------------- POST /screen


def test_screen_gives_the_in_process_result(base: str) -> None:
    status, _, body = call(base + "/screen", "POST",
                           {"trial": "NCT03944499", "cohort": "phase_ia", "patient": PATIENT})
    assert status == 200
    [result] = body["results"]
    expected = screen(screening.load_trial(TRIAL_PATH), PATIENT, cohort="phase_ia")
    assert (result["verdict"], result["failed"]) == (expected.verdict, expected.failed)
    assert result == json.loads(expected.model_dump_json())


def test_screen_without_trial_or_cohort_screens_every_cohort(base: str) -> None:
    status, _, body = call(base + "/screen", "POST", {"patient": PATIENT})
    assert status == 200
    assert [r["cohort"] for r in body["results"]] == COHORTS


def test_hemoglobin_far_below_the_threshold_is_ineligible(base: str) -> None:
    patient = with_hemoglobin(6.0, "g/dL")  # 60 g/L, the trial asks >= 90 g/L
    status, _, body = call(base + "/screen", "POST", {"cohort": "phase_ia", "patient": patient})
    assert status == 200
    [result] = body["results"]
    assert result["verdict"] == "ineligible"
    assert "inclusion.5" in result["failed"]
    [crit] = [c for c in result["criteria"] if c["id"] == "inclusion.5"]
    [check] = [ch for ch in crit["checks"] if ch["concept"] == "hemoglobin"]
    assert check["status"] == "not_met" and check["value"] == pytest.approx(60)


def test_screen_with_a_fhir_bundle(base: str) -> None:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "Patient/hook-1", "resource": FHIR_PATIENT},
        {"fullUrl": "Observation/hb-1", "resource": hemoglobin_observation("hook-1")}]}
    status, _, body = call(base + "/screen", "POST", {"cohort": "phase_ia", "patient": bundle})
    assert status == 200
    assert body["results"][0]["verdict"] == "ineligible"
    assert "inclusion.5" in body["results"][0]["failed"]


# --------------------------------------------------------------------------- refusals


def test_body_over_the_limit_is_refused_before_it_is_read(logged: tuple[str, io.StringIO]) -> None:
    url, _ = logged
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    try:  # announce 50 kB, send nothing: only an unread body lets the answer come at once
        conn.putrequest("POST", "/screen")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", "50000")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        assert "10000 bytes" in json.loads(response.read())["error"]
    finally:
        conn.close()


def test_post_without_content_length_is_refused(base: str) -> None:
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        conn.putrequest("POST", "/screen")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 411
        assert "Content-Length" in json.loads(response.read())["error"]
    finally:
        conn.close()


@pytest.mark.parametrize(("raw", "said"), [
    (b"{not json", "invalid JSON"), (b'{"patient": {}, "patient": {}}', "'patient' appears twice"),
    (b"[1, 2]", "JSON object"), (b'{"patient": NaN}', "NaN"), (b"\xff\xfe", "UTF-8"),
    (b'{"patient": {}, "extra": 1}', "unknown field 'extra'"), (b'{"patient": []}', "'patient'"),
    (b'{"patient": {}}', "patient_id")])
def test_invalid_json_or_shape_is_400(base: str, raw: bytes, said: str) -> None:
    status, _, body = call(base + "/screen", "POST", raw=raw)
    assert status == 400 and said in body["error"]


def test_a_lab_value_without_its_unit_is_400_naming_the_field(base: str) -> None:
    status, _, body = call(base + "/screen", "POST", {"patient": with_hemoglobin(12, None)})
    assert status == 400
    assert "observations[1] (hemoglobin)" in body["error"] and "no unit" in body["error"]


def test_unknown_cohort_is_400(base: str) -> None:
    status, _, body = call(base + "/screen", "POST", {"cohort": "phase_ii", "patient": PATIENT})
    assert status == 400 and "phase_ia" in body["error"]


def test_unknown_path_and_unknown_trial_are_404(base: str) -> None:
    assert call(base + "/Patient/123")[0] == 404
    status, _, body = call(base + "/screen", "POST", {"trial": "NCT00000000", "patient": PATIENT})
    assert status == 404 and "NCT03944499" in body["error"]


def test_wrong_method_is_405_with_allow(base: str) -> None:
    status, headers, body = call(base + "/screen")
    assert status == 405 and headers["Allow"] == "POST"
    assert call(base + "/cds-services", "POST", {})[0] == 405


def test_a_body_that_is_not_json_is_415(base: str) -> None:
    status, _, body = call(base + "/screen", "POST", raw=b"patient", headers={"Content-Type": "text/plain"})
    assert status == 415
    ok = call(base + "/screen", "POST", {"patient": PATIENT},
              headers={"Content-Type": "application/fhir+json; charset=utf-8"})
    assert ok[0] == 200


def test_unexpected_error_is_a_generic_500(logged: tuple[str, io.StringIO],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> Any:
        raise RuntimeError("demo-001 hemoglobin 11.2")

    monkeypatch.setattr(service, "screen_cohorts", boom)
    url, log = logged
    status, _, body = call(url + "/screen", "POST", {"patient": PATIENT})
    assert status == 500 and "demo-001" not in body["error"]
    assert "POST /screen 500" in log.getvalue() and "demo-001" not in log.getvalue()


def test_serve_announces_itself_and_stops_cleanly_on_ctrl_c() -> None:
    code = f"from screening.service import serve; serve([{str(TRIAL_PATH)!r}], port=0)"
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.fullmatch(r"screening: CDS Hooks service on (http://127\.0\.0\.1:\d+)/cds-services "
                             r"\(1 trial\)\n", line)
        assert match, line
        assert call(match[1] + "/health")[0] == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
        assert re.fullmatch(r"GET /health 200 \d+\.\d ms\n", proc.stderr.read())  # no traceback
    finally:
        proc.kill()
        proc.wait()


def test_bad_trial_file_fails_before_the_server_starts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("criteria = 'x'\n[trial]\n", encoding="utf-8")
    with pytest.raises(ScreeningError):
        make_server([bad], port=0, quiet=True)


# --------------------------------------------------------------------------- patient-view hook


def test_patient_view_without_prefetch_is_400(base: str) -> None:
    hook = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()), "context": {"patientId": "p1"}}
    status, _, body = call(base + HOOK, "POST", hook)
    assert status == 400 and "prefetch" in body["error"]
    hook["prefetch"] = {"patient": None, "conditions": {"resourceType": "Bundle", "type": "searchset"}}
    status, _, body = call(base + HOOK, "POST", hook)
    assert status == 400 and "prefetch" in body["error"]


def test_patient_view_gathers_one_bundle_and_answers_a_card_per_cohort(
        base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The FHIR reader is stood in for: what the service gives it and does with its answer."""
    given: list[Any] = []
    low = parse_patient(dict(with_hemoglobin(6.0, "g/dL"), patient_id="p1"))
    other = parse_patient(dict(PATIENT, patient_id="p2"))

    def read_fhir(bundle: dict[str, Any], **_: Any) -> list[Any]:
        given.append(bundle)
        return [SimpleNamespace(patient=other, notes=[]),
                SimpleNamespace(patient=low, notes=[f"note {i}" for i in range(12)])]

    monkeypatch.setattr(service, "read_fhir", read_fhir)
    prefetch = {
        "patient": {"resourceType": "Patient", "id": "p1"},
        "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"fullUrl": "https://ehr.example/fhir/Observation/o1", "search": {"mode": "match"},
             "resource": {"resourceType": "Observation", "id": "o1"}},
            {"search": {"mode": "outcome"}, "resource": {"resourceType": "OperationOutcome"}}]},
        "conditions": None,
        "record": {"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:c1", "resource": {"resourceType": "Condition"}},
            {"fullUrl": "Patient/p1", "resource": {"resourceType": "Patient", "id": "p1"}}]},
    }
    status, _, body = call(base + HOOK, "POST", {"hook": "patient-view", "context": {"patientId": "p1"},
                                                 "prefetch": prefetch})
    assert status == 200
    [bundle] = given
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert [(e["fullUrl"], e["resource"]["resourceType"]) for e in bundle["entry"]] == [
        ("Patient/p1", "Patient"), ("Observation/o1", "Observation"), ("urn:uuid:c1", "Condition")]
    cards = body["cards"]
    assert [c["summary"].split(":")[0] for c in cards] == [f"NCT03944499 ({c})" for c in COHORTS]
    for c in cards:  # p1 (hemoglobin 60 g/L) was screened, not p2
        assert c["summary"].startswith(c["summary"].split(":")[0] + ": ineligible")
        assert len(c["summary"]) <= 140 and c["indicator"] == "warning"
        assert c["source"] == {"label": f"screening {screening.__version__}"}
        uuid.UUID(c["uuid"])
        assert "`inclusion.5`" in c["detail"] and "Hemoglobin 6 g/dL" in c["detail"]
        assert "Not used: note 0" in c["detail"] and "note 9; and 2 more" in c["detail"]
        assert "note 10" not in c["detail"]


def test_patient_view_with_fhir_prefetch(base: str) -> None:
    prefetch = {
        "patient": FHIR_PATIENT,
        "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"fullUrl": "https://ehr.example/fhir/Observation/hb-1",
             "resource": hemoglobin_observation("hook-1")}]},
        "conditions": None,
    }
    status, _, body = call(base + HOOK, "POST", {
        "hook": "patient-view", "hookInstance": str(uuid.uuid4()),
        "context": {"patientId": "hook-1", "userId": "Practitioner/1"}, "prefetch": prefetch})
    assert status == 200
    assert len(body["cards"]) == len(COHORTS)
    for c in body["cards"]:
        assert "ineligible" in c["summary"] and c["indicator"] == "warning"
        assert "`inclusion.5`" in c["detail"] and "Hemoglobin" in c["detail"]


# --------------------------------------------------------------------------- logging


def test_the_log_holds_no_patient_data(logged: tuple[str, io.StringIO]) -> None:
    url, log = logged
    assert call(url + "/screen?source=ehr", "POST", {"patient": PATIENT})[0] == 200
    assert call(url + "/screen", "POST", {"patient": with_hemoglobin(12, None)})[0] == 400
    assert call(url + "/Patient/demo-001")[0] == 404
    lines = log.getvalue().splitlines()
    assert re.fullmatch(r"POST /screen 200 \d+\.\d ms", lines[-3])
    assert re.fullmatch(r"POST /screen 400 \d+\.\d ms", lines[-2])
    assert re.fullmatch(r"GET \(other path\) 404 \d+\.\d ms", lines[-1])
    text = log.getvalue()
    for secret in ("demo-001", "11.2", "no unit", "hemoglobin", "source=ehr"):
        assert secret not in text
