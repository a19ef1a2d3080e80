"""r1serve: r1-serve's reward service for RL trainers, over HTTP with the standard library only.

    from r1serve import R1Rewards
    R1Rewards("http://localhost:8080").score([{...Rollout...}])

Adapters: ``r1serve.trl.make_reward_func`` (TRL's GRPOTrainer ``reward_funcs``),
``r1serve.verl.compute_score`` (verl's ``custom_reward_function``); optional gRPC: ``r1serve.grpc_client``.
"""

from .client import R1Rewards, R1ServeError, TASK_TYPES, label_to_rollout

__all__ = ["R1Rewards", "R1ServeError", "TASK_TYPES", "label_to_rollout"]
__version__ = "0.1.0"
