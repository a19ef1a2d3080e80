"""HTTP client of r1-serve's reward front (``POST /v1/rewards:score``): urllib and json only."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

SCORE_PATH = "/v1/rewards:score"

#: Task names the adapters accept, as the proto's TaskType.
TASK_TYPES = {
    "math": "TASK_TYPE_MATH",
    "choice": "TASK_TYPE_CHOICE",
    "code": "TASK_TYPE_CODE",
    "format_only": "TASK_TYPE_FORMAT_ONLY",
}

_RETRY_STATUSES = (429, 503)


class R1ServeError(RuntimeError):
    """The server refused a request (HTTP status and its message), or could not be reached."""

    def __init__(self, message: str, status: Optional[int] = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class R1Rewards:
    """Scores rollouts on an r1-serve reward service.

    ``url`` is the HTTP front's base (``http://host:port``, as printed by ``r1 reward serve --http-port N``);
    ``api_key`` is sent as ``Authorization: Bearer``. Requests refused with 429 or 503 are retried up to
    ``max_retries`` times, waiting as the server's ``Retry-After`` says (else 0.5 s, doubling, at most 30 s).
    """

    def __init__(self, url: str, api_key: Optional[str] = None, timeout: float = 600.0, max_retries: int = 5) -> None:
        base = url.rstrip("/")
        if base.endswith(SCORE_PATH):
            base = base[: -len(SCORE_PATH)]
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"url: must start with http:// or https://, got {url!r}")
        self.url = base
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries

    def score(self, rollouts: Sequence[Mapping[str, Any]], advantage: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
        """Scores rollouts (dicts in the proto's ``Rollout`` JSON); returns their ``RolloutResult`` dicts in order.

        Each result has ``id``, ``groupId``, ``rewards`` (name, value, reason), ``total`` and, for groups complete
        in the batch, ``advantage``.
        """
        body: Dict[str, Any] = {"rollouts": list(rollouts)}
        if advantage is not None:
            body["advantage"] = dict(advantage)
        return self.post(SCORE_PATH, body).get("results", [])

    def score_batches(self, batches: Iterable[Sequence[Mapping[str, Any]]], max_workers: int = 4) -> List[List[Dict[str, Any]]]:
        """Scores several batches concurrently (keep each group in one batch); results per batch, in order."""
        with ThreadPoolExecutor(max_workers=max_workers) as pool:
            return list(pool.map(self.score, batches))

    def post(self, path: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        """POSTs JSON to ``path`` on the server with retries; returns the decoded JSON answer."""
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempt = 0
        while True:
            request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                payload = _json_or_text(e.read())
                e.close()
                if e.code in _RETRY_STATUSES and attempt < self.max_retries:
                    time.sleep(_retry_after(e.headers.get("Retry-After"), attempt))
                    attempt += 1
                    continue
                raise R1ServeError(f"{path}: HTTP {e.code}: {_message(payload)}", e.code, payload) from None
            except urllib.error.URLError as e:
                raise R1ServeError(f"{path}: cannot reach {self.url}: {e.reason}") from None


def _retry_after(header: Optional[str], attempt: int) -> float:
    """Seconds to wait: Retry-After as seconds or an HTTP date, else exponential backoff."""
    if header:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    return min(30.0, 0.5 * (2 ** attempt))


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return raw.decode("utf-8", "replace")


def _message(payload: Any) -> str:
    if isinstance(payload, dict):
        err = payload.get("error")
        if isinstance(err, dict) and "message" in err:
            return str(err["message"])
        if "detail" in payload:
            detail = payload["detail"]
            if isinstance(detail, list) and detail and isinstance(detail[0], dict):
                return str(detail[0].get("msg", detail))
            return str(detail)
    return str(payload)


def label_to_rollout(label: Any, task_type: str = "math") -> Dict[str, Any]:
    """The task fields of a rollout from a dataset label, as the server's OpenRLHF route maps labels.

    A dict (or a JSON string of one) with ``task_type`` gives its fields (``answer``, ``tests``, ``language``,
    ``target_language``, ``weights``); a dict with ``inputs``/``outputs`` (verl and SandboxFusion test cases)
    is a code task with stdin tests; any other value is the gold answer of ``task_type``; None or "" scores format only.
    """
    if isinstance(label, str) and label.strip().startswith("{"):
        label = json.loads(label)
    if label is None or (isinstance(label, str) and not label.strip()):
        return {"taskType": TASK_TYPES["format_only"]}
    if isinstance(label, Mapping):
        if "inputs" in label and "outputs" in label:
            tests = [{"stdin": str(i), "expectedStdout": str(o)} for i, o in zip(label["inputs"], label["outputs"])]
            return {"taskType": TASK_TYPES["code"], "reference": {"tests": tests, "language": str(label.get("language", "python"))}}
        if "task_type" in label:
            kind = str(label["task_type"]).lower()
            if kind not in TASK_TYPES:
                raise ValueError(f"task_type: unknown task type {label['task_type']!r} ({', '.join(TASK_TYPES)})")
            out: Dict[str, Any] = {"taskType": TASK_TYPES[kind]}
            reference = {k: label[k] for k in ("answer", "tests", "language") if k in label}
            if reference:
                out["reference"] = reference
            for k, to in (("target_language", "targetLanguage"), ("weights", "weights")):
                if k in label:
                    out[to] = label[k]
            return out
        if task_type == "code":
            return {"taskType": TASK_TYPES["code"], "reference": dict(label)}
    if task_type not in TASK_TYPES:
        raise ValueError(f"task_type: unknown task type {task_type!r} ({', '.join(TASK_TYPES)})")
    if task_type == "format_only":
        return {"taskType": TASK_TYPES["format_only"]}
    return {"taskType": TASK_TYPES[task_type], "reference": {"answer": str(label)}}
