"""Optional gRPC clients: r1.v1.RewardService, for trainers that want ScoreStream (groups stream back with
their advantages as they complete), and r1.v1.RolloutService (``R1RolloutsGrpc.rollouts``: a GRPO step's
sampling and scoring in one streaming call).

Needs grpcio and stubs generated from ``proto/`` by ``generate_grpc.sh`` into ``r1serve/_proto``. The proto
uses proto3 ``optional`` fields, so protoc >= 3.15 is needed: Debian's ``protobuf-compiler`` (3.21) with
``protobuf-compiler-grpc`` (its ``grpc_python_plugin``) and ``python3-grpcio`` work; ``python3-grpc-tools``
ships protoc 3.5, which rejects ``optional``. ``pip install grpcio-tools`` works too.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional

try:
    import grpc
    from google.protobuf import json_format
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError("r1serve.grpc_client needs grpcio and protobuf (apt-get install python3-grpcio python3-protobuf,"
                      " or pip install 'r1serve[grpc]'); the HTTP client r1serve.R1Rewards needs neither") from e

_GENERATED = os.path.join(os.path.dirname(__file__), "_proto")
if _GENERATED not in sys.path:
    sys.path.insert(0, _GENERATED)  # generated modules import each other as r1.v1.*
try:
    from r1.v1 import reward_pb2, reward_pb2_grpc
    from r1.v1 import rollout_pb2, rollout_pb2_grpc
except ImportError as e:  # pragma: no cover
    raise ImportError(f"r1serve.grpc_client: no generated stubs in {_GENERATED}; run client-sdk/python/generate_grpc.sh"
                      " (protoc >= 3.15 for proto3 optional fields)") from e


class R1RewardsGrpc:
    """RewardService over gRPC: ``score`` (one batch) and ``score_stream`` (results as groups complete)."""

    def __init__(self, target: str, api_key: Optional[str] = None, secure: bool = False) -> None:
        self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials()) if secure else grpc.insecure_channel(target)
        self._stub = reward_pb2_grpc.RewardServiceStub(self._channel)
        self._metadata = [("authorization", f"Bearer {api_key}")] if api_key else []

    def score(self, rollouts: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
        request = reward_pb2.ScoreRequest(rollouts=[json_format.ParseDict(dict(r), reward_pb2.Rollout()) for r in rollouts])
        response = self._stub.Score(request, metadata=self._metadata)
        return [_dict(r) for r in response.results]

    def score_stream(self, rollouts: Iterable[Mapping[str, Any]]) -> Iterator[Dict[str, Any]]:
        """Streams rollouts (any iterable, e.g. a generator fed as samples finish); yields each result of a group
        once the whole group is scored, in completion order (match by ``id``)."""
        requests = (json_format.ParseDict(dict(r), reward_pb2.Rollout()) for r in rollouts)
        for result in self._stub.ScoreStream(requests, metadata=self._metadata):
            yield _dict(result)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "R1RewardsGrpc":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class R1RolloutsGrpc:
    """RolloutService over gRPC (``r1 serve --rewards``): each request is one prompt; its group of
    ``generate.sampling.n`` samples comes back generated, scored and with GRPO advantages."""

    #: Groups outstanding by default (the server's default limit per stream is 128).
    DEFAULT_IN_FLIGHT = 64

    def __init__(self, target: str, api_key: Optional[str] = None, secure: bool = False) -> None:
        self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials()) if secure else grpc.insecure_channel(target)
        self._stub = rollout_pb2_grpc.RolloutServiceStub(self._channel)
        self._metadata = [("authorization", f"Bearer {api_key}")] if api_key else []

    def rollouts(self, requests: Iterable[Mapping[str, Any]], max_in_flight: int = DEFAULT_IN_FLIGHT,
                 timeout: Optional[float] = None) -> Iterator[Dict[str, Any]]:
        """Streams ``RolloutRequest``s (dicts in proto JSON: ``id``, ``generate``, ``taskType``, ``reference``, ...)
        and yields each ``RolloutGroup`` as it completes (any order; match by ``id``): ``samples`` with ``sample``
        (``text``, ``reasoning``, ``answer``, ``tokenIds``, ``finishReason``, ...), ``rewards``, ``total`` and
        ``advantage``. At most ``max_in_flight`` requests are outstanding (the server refuses more than its limit
        with RESOURCE_EXHAUSTED). Closing the generator early cancels the call, and the server's sequences and
        sandbox runs with it. Errors raise ``grpc.RpcError``."""
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be >= 1, got {max_in_flight}")
        window = threading.Semaphore(max_in_flight)
        stop = threading.Event()

        def send() -> Iterator[Any]:
            for r in requests:
                while not window.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                yield json_format.ParseDict(dict(r), rollout_pb2.RolloutRequest())

        call = self._stub.Rollouts(send(), metadata=self._metadata, timeout=timeout)
        try:
            for group in call:
                window.release()
                yield _dict(group)
        finally:
            stop.set()
            call.cancel()

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "R1RolloutsGrpc":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _dict(message: Any) -> Dict[str, Any]:
    try:  # protobuf >= 5.26 renamed the option
        return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
    except TypeError:
        return json_format.MessageToDict(message, including_default_value_fields=True)
