"""CDS Hooks service: the EHR asks for trial screening as a clinician opens a patient's chart.

Why: hospitals plug decision support into their EHR through CDS Hooks. On ``patient-view`` the
EHR posts the patient's data (the *prefetch* this service declares at discovery) and shows the
cards it gets back: here one card per trial cohort with the verdict, the failed criteria and the
data still missing. ``POST /screen`` offers the same screening as plain JSON for other callers.
Only the standard library's HTTP server is used, so running a service adds no dependency.

Privacy: the service never calls a FHIR server (no prefetch: a 400), keeps nothing, and
logs only the method, the route, the status and the time taken: no body, no patient id, no
error text (an unexpected error answers a generic 500, never the exception's text).
"""

from __future__ import annotations

import json
import socket
import socketserver
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from . import __version__
from .compile import CompiledTrial, compile_trial
from .errors import ScreeningError, TrialFileError
from .evaluate import screen, screen_cohorts
from .fhir import read_fhir
from .report import CriterionResult, TrialResult

SERVICE_ID = "screening-trials"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
}
# path -> method -> handler method name
_ROUTES = {
    "/cds-services": {"GET": "_discovery"},
    f"/cds-services/{SERVICE_ID}": {"POST": "_patient_view"},
    "/screen": {"POST": "_screen"},
    "/health": {"GET": "_health"},
}
_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}  # logged; others are "-"
_JSON_TYPES = {"application/json", "application/fhir+json"}
_NEEDS_PREFETCH = ("this service needs the patient's data as prefetch (" + ", ".join(PREFETCH)
                   + "); it never queries a FHIR server")


class HTTPError(Exception):
    """A refused request: its status and the one-line message the client gets."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class ScreeningServer(ThreadingHTTPServer):
    """The HTTP server, holding the trials compiled once at start."""

    daemon_threads = True  # a stalled client never keeps the process alive

    def __init__(self, address: tuple[str, int], trials: dict[str, CompiledTrial], max_body: int,
                 quiet: bool, log_stream: IO[str] | None) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.trials, self.max_body = trials, max_body
        self.quiet, self.log_stream = quiet, log_stream
        # The engine was written for one thread (shared caches, pint called outside any lock);
        # screening takes about a millisecond, so one lock costs little. JSON stays outside it.
        self.screen_lock = threading.Lock()
        self._log_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """As HTTPServer's, without its reverse DNS lookup of the host (slow on some networks)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def log(self, line: str) -> None:
        if self.quiet:
            return
        stream = self.log_stream or sys.stderr
        with self._log_lock:
            stream.write(line + "\n")
            stream.flush()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke mid-answer: one line, no traceback (it may quote data)."""
        kind = sys.exc_info()[0]
        self.log(f"connection error ({kind.__name__ if kind else 'unknown'})")


class _Handler(BaseHTTPRequestHandler):
    server: ScreeningServer
    server_version = f"screening/{__version__}"
    timeout = 30  # seconds a client may take to send its request

    def version_string(self) -> str:
        return self.server_version  # without the Python version: nobody's business

    def parse_request(self) -> bool:
        self._t0 = time.perf_counter()
        return super().parse_request()

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # logged by _send_json, without the request line (it could hold anything)

    def log_error(self, format: str, *args: Any) -> None:
        pass  # the framework's error texts quote the request

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The framework's own refusals (bad request line, unknown method), as JSON too."""
        self.close_connection = True
        self._send_json(code, {"error": HTTPStatus(code).phrase.lower()})

    def _dispatch(self) -> None:
        headers: dict[str, str] = {}
        try:
            route = _ROUTES.get(self._route())
            if route is None:
                raise HTTPError(404, "no such endpoint; the services are listed at GET /cds-services")
            name = route.get(self.command)
            if name is None:
                allowed = ", ".join(route)
                raise HTTPError(405, f"{self.command} is not allowed here; use {allowed}",
                                {"Allow": allowed})
            status, body = 200, getattr(self, name)()
        except HTTPError as err:
            status, body, headers = err.status, {"error": err.message}, err.headers
        except ScreeningError as err:
            status, body = 400, {"error": str(err).replace("\r", "\\r").replace("\n", "\\n")}
        except Exception:
            status, body = 500, {"error": "internal error; the request was not screened"}
        self._send_json(status, body, headers)

    def _route(self) -> str:
        path = getattr(self, "path", "") or ""
        path = path.split("?", 1)[0].split("#", 1)[0]
        return path.rstrip("/") or "/"

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # patient data: no cache keeps it
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        # logged before the body goes out, so the line is written once a client has its answer
        route = self._route()
        method = getattr(self, "command", None)
        ms = (time.perf_counter() - getattr(self, "_t0", time.perf_counter())) * 1000
        self.server.log(f"{method if method in _METHODS else '-'} "
                        f"{route if route in _ROUTES else '(other path)'} {status} {ms:.1f} ms")
        if self.command != "HEAD" and status >= 200 and status not in (204, 304):
            self.wfile.write(data)

    def _read_json(self) -> Any:
        """The request body as JSON; the size is checked before a byte of it is read."""
        ctype = self.headers.get("Content-Type")
        if ctype is not None and ctype.split(";", 1)[0].strip().lower() not in _JSON_TYPES:
            raise HTTPError(415, "send the body as application/json")
        length_text = self.headers.get("Content-Length")
        if length_text is None or "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise HTTPError(411, "send the body with a Content-Length (chunked bodies are not read)")
        length_text = length_text.strip()
        if not (length_text.isascii() and length_text.isdigit()):
            raise HTTPError(400, "Content-Length is not a number of bytes")
        length = int(length_text)
        if length > self.server.max_body:
            self.close_connection = True
            raise HTTPError(413, f"the body is larger than {self.server.max_body} bytes")
        try:
            raw = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            raise HTTPError(408, "the body did not arrive in time") from None
        if len(raw) < length:
            raise HTTPError(400, "the body is shorter than its Content-Length")
        try:
            return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates,
                              parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise HTTPError(400, "the body is not UTF-8 text") from None
        except json.JSONDecodeError as err:
            raise HTTPError(400, f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
                            ) from None
        except RecursionError:
            raise HTTPError(400, "invalid JSON: nested too deeply") from None

    def _discovery(self) -> dict[str, Any]:
        trials = ", ".join(self.server.trials)
        return {"services": [{
            "hook": "patient-view", "id": SERVICE_ID, "title": "Clinical trial pre-screening",
            "description": f"Pre-screens the patient for the clinical trials {trials}: one card per "
                           "trial cohort with the verdict, the failed criteria and the missing data.",
            "prefetch": dict(PREFETCH)}]}

    def _health(self) -> dict[str, Any]:
        return {"status": "ok", "trials": list(self.server.trials)}

    def _screen(self) -> dict[str, Any]:
        body = self._read_json()
        if not isinstance(body, dict):
            raise HTTPError(400, "the body must be a JSON object: {\"trial\", \"cohort\", \"patient\"}")
        unknown = sorted(set(body) - {"trial", "cohort", "patient"})
        if unknown:
            raise HTTPError(400, f"unknown field {_clip(unknown[0], 40)!r}; the fields are trial, "
                                 "cohort and patient")
        trial = self._trial(body.get("trial"))
        cohort, patient = body.get("cohort"), body.get("patient")
        if cohort is not None and not isinstance(cohort, str):
            raise HTTPError(400, "'cohort' must be a cohort id (a string)")
        if not isinstance(patient, dict):
            raise HTTPError(400, "'patient' must be a patient JSON object or a FHIR Bundle")
        with self.server.screen_lock:
            results = (screen_cohorts(trial, patient) if cohort is None
                       else [screen(trial, patient, cohort)])
        return {"results": [r.model_dump(mode="json") for r in results]}

    def _trial(self, nct_id: Any) -> CompiledTrial:
        trials = self.server.trials
        if nct_id is None:
            if len(trials) == 1:
                return next(iter(trials.values()))
            raise HTTPError(400, "name the 'trial': one of " + ", ".join(trials))
        if not isinstance(nct_id, str):
            raise HTTPError(400, "'trial' must be an NCT id (a string)")
        trial = trials.get(nct_id.strip().upper())
        if trial is None:
            raise HTTPError(404, f"trial {_clip(nct_id, 20)!r} is not served here; the trials are "
                            + ", ".join(trials))
        return trial

    def _patient_view(self) -> dict[str, Any]:
        body = self._read_json()
        if not isinstance(body, dict):
            raise HTTPError(400, "the body must be a CDS Hooks request (a JSON object)")
        if body.get("hook", "patient-view") != "patient-view":
            raise HTTPError(400, "this service answers the patient-view hook only")
        context = body.get("context") or {}
        patient_id = context.get("patientId") if isinstance(context, dict) else None
        if not isinstance(context, dict) or not isinstance(patient_id, (str, type(None))):
            raise HTTPError(400, "'context' must be an object whose patientId is a string")
        bundle = collect_prefetch(body.get("prefetch"))
        with self.server.screen_lock:
            readings = read_fhir(bundle, source="prefetch")
            if patient_id is not None:
                # never screen a different patient than the chart that is open
                matching = [r for r in readings if r.patient.patient_id == patient_id]
                if len(matching) != 1:
                    raise HTTPError(400, "the prefetch holds no patient whose id is context.patientId")
                chosen = matching[0]
            elif len(readings) == 1:
                chosen = readings[0]
            else:
                raise HTTPError(400, f"the prefetch holds {len(readings)} patients: give context.patientId")
            results = [r for t in self.server.trials.values() for r in screen_cohorts(t, chosen.patient)]
        notes = [str(n) for n in chosen.notes]
        return {"cards": [card(r, notes) for r in results]}


def collect_prefetch(prefetch: Any) -> dict[str, Any]:
    """Every prefetched resource in one FHIR collection Bundle, the one input the reader takes.

    A searchset's entries are addressed ``Type/id`` (as references in the resources are); any
    other Bundle keeps its entries' fullUrl. A resource met twice (same type and id) counts once.
    """
    if not isinstance(prefetch, (dict, type(None))):
        raise HTTPError(400, "'prefetch' must be a JSON object")
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(resource: Any, given_url: Any = None, by_id: bool = True) -> None:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise HTTPError(400, "a prefetch value must be a FHIR resource, a Bundle or null")
        rtype, rid = resource["resourceType"], resource.get("id")
        url = given_url if isinstance(given_url, str) and given_url else None
        if isinstance(rid, str) and rid:
            if (rtype, rid) in seen:
                return
            seen.add((rtype, rid))
            url = f"{rtype}/{rid}" if by_id or url is None else url
        entries.append({"fullUrl": url, "resource": resource} if url else {"resource": resource})

    for value in (prefetch or {}).values():
        if value is None:  # the EHR could not fetch it: missing, not absent
            continue
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            items = value.get("entry") or []
            if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
                raise HTTPError(400, "a prefetch Bundle's 'entry' must be a list of objects")
            searchset = value.get("type") == "searchset"
            for e in items:
                search = e.get("search") if isinstance(e.get("search"), dict) else {}
                if e.get("resource") is None or search.get("mode") == "outcome":
                    continue  # no resource, or a search's OperationOutcome: no patient data
                add(e["resource"], e.get("fullUrl"), by_id=searchset)
        else:
            add(value)
    if not any(e["resource"]["resourceType"] == "Patient" for e in entries):
        raise HTTPError(400, _NEEDS_PREFETCH)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def card(result: TrialResult, notes: Sequence[str] = ()) -> dict[str, Any]:
    """A CDS Hooks card for one trial cohort: the verdict in the summary, the reasons in detail."""
    where = f"{result.trial} ({result.cohort})" if result.cohort else result.trial
    counts = [f"{n} {word}" for n, word in ((len(result.failed), "failed"),
              (len(result.errors), "unreadable"), (len(result.unknown), "unknown"),
              (len(result.needs_review), "to review")) if n]
    summary = f"{where}: {result.verdict.replace('_', ' ')}" + (" — " + ", ".join(counts) if counts else "")
    return {"uuid": str(uuid.uuid4()), "summary": _clip(summary, 140),
            "indicator": "warning" if result.verdict in ("ineligible", "error") else "info",
            "detail": _detail(result, notes), "source": {"label": f"screening {__version__}"}}


def _detail(result: TrialResult, notes: Sequence[str]) -> str:
    """Markdown a clinician reads in the card: why, and what data would settle the rest."""
    by_id = {c.id: c for c in result.criteria}
    blocks = [f"**Verdict: {result.verdict.replace('_', ' ')}** (screened as of {result.as_of})"]
    if result.failed:
        lines = []
        for cid in result.failed:
            crit = by_id[cid]
            why = "; ".join(dict.fromkeys(_reasons(crit, by_id))) or crit.explanation
            lines.append(f"- `{cid}` {_md(_clip(crit.text, 120))} — {_md(_clip(why, 300))}")
        blocks.append("Failed:\n" + "\n".join(lines))
    for label, ids in (("Unreadable input", result.errors), ("Unknown", result.unknown),
                       ("Needs review", result.needs_review)):
        if ids:
            blocks.append(f"{label}: " + ", ".join(f"`{i}`" for i in ids))
    if result.missing_data:
        blocks.append("Missing data: " + "; ".join(_md(m) for m in result.missing_data))
    unused = list(dict.fromkeys([*notes, *result.notes]))
    if unused:
        more = f"; and {len(unused) - 10} more" if len(unused) > 10 else ""
        blocks.append("Not used: " + "; ".join(_md(_clip(n, 160)) for n in unused[:10]) + more)
    return "\n\n".join(blocks)


def _reasons(c: CriterionResult, by_id: dict[str, CriterionResult]) -> list[str]:
    """The checks that decided a failed criterion, down through its failed sub-items."""
    against = "met" if c.section == "exclusion" else "not_met"  # in an exclusion, a true check fails
    out = [ch.explanation for ch in c.checks if ch.status == against]
    for child in c.children:
        if child in by_id and by_id[child].status == "not_met":
            out += _reasons(by_id[child], by_id)
    return out


def _md(text: str) -> str:
    """Plain text safe in Markdown: no emphasis, links or HTML by accident."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in " ".join(text.split()))


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Python's json keeps the last of two equal keys silently; patient data must not go that way."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise HTTPError(400, f"invalid JSON: the key {_clip(key, 40)!r} appears twice in an object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise HTTPError(400, f"invalid JSON: {name} is not a JSON number")


def make_server(trials: Sequence[Path | str], host: str = "127.0.0.1", port: int = 8080,
                max_body: int = 10_000_000, *, quiet: bool = False,
                log_stream: IO[str] | None = None) -> ScreeningServer:
    """Compile every trial (a bad file raises here, before any port is opened) and bind the server.

    Not started: call ``serve_forever()``. Port 0 takes a free port (see ``server_address``).
    ``log_stream`` receives the access log (default stderr); ``quiet`` turns it off.
    """
    if max_body < 1:
        raise ValueError("max_body must be at least 1 byte")
    compiled: dict[str, CompiledTrial] = {}
    for path in trials:
        trial = compile_trial(path)
        if trial.nct_id in compiled:
            raise TrialFileError(f"{trial.nct_id} is already served from another file", location=str(path))
        compiled[trial.nct_id] = trial
    if not compiled:
        raise TrialFileError("no trial file given: the service needs at least one")
    return ScreeningServer((host, port), compiled, max_body, quiet, log_stream)


def serve(trials: Sequence[Path | str], host: str = "127.0.0.1", port: int = 8080,
          max_body: int = 10_000_000) -> None:
    """Run the service until interrupted (Ctrl-C stops it cleanly)."""
    server = make_server(trials, host, port, max_body)
    bound = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    n = len(server.trials)
    print(f"screening: CDS Hooks service on http://{shown}:{bound}/cds-services "
          f"({n} trial{'s' if n != 1 else ''})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
