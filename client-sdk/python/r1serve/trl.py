"""TRL adapter: an r1-serve reward as one of GRPOTrainer's ``reward_funcs``.

TRL calls each reward function as ``f(prompts=..., completions=..., completion_ids=..., **columns)`` where
``columns`` are the dataset's other columns, one value per completion, and takes a list of floats back
(trl/trainer/grpo_trainer.py, ``_calculate_rewards``). Prompts and completions are strings, or lists of chat
messages for conversational datasets.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

from .client import R1Rewards, TASK_TYPES, label_to_rollout


def make_reward_func(url: str, answer_column: str = "answer", task_type: str = "math",
                     api_key: Optional[str] = None) -> Callable[..., List[float]]:
    """A reward function scoring each completion on the r1-serve at ``url`` (its total reward).

    The reference comes from the dataset column ``answer_column`` (a gold answer for math and choice; for code a
    dict with ``tests`` and ``language``, or ``inputs``/``outputs``; a dict with ``task_type`` overrides
    ``task_type`` per row). ``task_type="format_only"`` needs no column.
    """
    if task_type not in TASK_TYPES:
        raise ValueError(f"task_type: unknown task type {task_type!r} ({', '.join(TASK_TYPES)})")
    client = R1Rewards(url, api_key=api_key)

    def reward(prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Optional[Sequence[Any]] = None,
               **kwargs: Any) -> List[float]:
        answers = kwargs.get(answer_column)
        if answers is None and task_type != "format_only":
            raise KeyError(f"r1serve: no dataset column {answer_column!r} among {sorted(k for k in kwargs if k != 'trainer_state')};"
                           " pass answer_column= to make_reward_func")
        rollouts = []
        for i, (prompt, completion) in enumerate(zip(prompts, completions)):
            rollout = {"id": str(i), "groupId": str(i), "groupSize": 1,
                       "prompt": _text(prompt), "completion": _text(completion, assistant_only=True)}
            rollout.update(label_to_rollout(None if answers is None else answers[i], task_type))
            rollouts.append(rollout)
        return [float(r["total"]) for r in client.score(rollouts)]

    # TRL logs each reward under its function's __name__.
    reward.__name__ = f"r1serve_{task_type}"
    return reward


def _text(value: Any, assistant_only: bool = False) -> str:
    """A string as is; chat messages as their contents joined (a completion: the assistant's turns only)."""
    if isinstance(value, str):
        return value
    parts = []
    for message in value:
        if assistant_only and message.get("role", "assistant") != "assistant":
            continue
        content = message.get("content", "")
        if isinstance(content, list):  # multimodal content blocks
            content = "".join(block.get("text", "") for block in content if isinstance(block, dict))
        parts.append(content)
    return "\n".join(parts)
