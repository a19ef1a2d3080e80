"""verl adapter: ``compute_score`` for ``custom_reward_function.path``/``name``.

verl's reward managers call ``compute_score(data_source, solution_str, ground_truth, extra_info)`` once per
response (``solution_str`` is the decoded response); the server is read from ``R1SERVE_URL`` and the key from
``R1SERVE_API_KEY``.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .client import R1Rewards, label_to_rollout

_clients: Dict[Tuple[str, Optional[str]], R1Rewards] = {}
_lock = threading.Lock()


def _client() -> R1Rewards:
    url = os.environ.get("R1SERVE_URL")
    if not url:
        raise RuntimeError("R1SERVE_URL is not set: export R1SERVE_URL=http://HOST:PORT (r1 reward serve --http-port PORT)")
    key = os.environ.get("R1SERVE_API_KEY") or None
    with _lock:
        if (url, key) not in _clients:
            _clients[(url, key)] = R1Rewards(url, api_key=key)
        return _clients[(url, key)]


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: Optional[Dict[str, Any]] = None,
                  **kwargs: Any) -> float:
    """The total reward of ``solution_str`` against ``ground_truth``.

    ``ground_truth``: a gold answer (math; ``extra_info["task_type"]`` may say ``choice``), test cases as verl's
    code datasets hold them (``{"inputs": [...], "outputs": [...]}``, or its JSON string; ``extra_info["language"]``
    defaults to python), or a label dict with ``task_type``.
    """
    return float(_client().score([_rollout(0, solution_str, ground_truth, extra_info)])[0]["total"])


def compute_score_batch(data_sources: Sequence[str], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Optional[Sequence[Optional[Dict[str, Any]]]] = None, **kwargs: Any) -> List[float]:
    """``compute_score`` for a whole batch in one request, for verl's batch reward manager
    (``reward_model.reward_manager=batch``, ``custom_reward_function.name=compute_score_batch``)."""
    extras = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    rollouts = [_rollout(i, s, g, e) for i, (s, g, e) in enumerate(zip(solution_strs, ground_truths, extras))]
    return [float(r["total"]) for r in _client().score(rollouts)] if rollouts else []


def _rollout(i: int, solution_str: str, ground_truth: Any, extra_info: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    extra = extra_info or {}
    rollout: Dict[str, Any] = {"id": str(i), "groupId": str(i), "groupSize": 1, "prompt": str(extra.get("prompt", "")),
                               "completion": solution_str}
    rollout.update(label_to_rollout(ground_truth, str(extra.get("task_type", "math"))))
    if "language" in extra and rollout.get("reference", {}).get("tests"):
        rollout["reference"]["language"] = str(extra["language"])
    return rollout
