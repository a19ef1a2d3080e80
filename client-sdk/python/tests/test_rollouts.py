"""r1serve.grpc_client.R1RolloutsGrpc against a real RolloutService (run by RolloutPythonClientTest in the
rollout module, which serves a scripted model: sample 0 answers right, 1 wrong, 2 without the format)."""

import os
import unittest

ROLLOUTS = os.environ.get("R1SERVE_ROLLOUTS_GRPC")
SEED = int(os.environ.get("R1SERVE_ROLLOUTS_SEED", "0"))


class RolloutsGrpc(unittest.TestCase):

    def setUp(self):
        if not ROLLOUTS:
            self.skipTest("R1SERVE_ROLLOUTS_GRPC is not set")
        try:
            from r1serve import grpc_client  # noqa: F401
        except ImportError as e:
            self.skipTest(f"gRPC client unavailable here: {e}")

    def request(self, i):
        return {"id": f"q{i}", "taskType": "TASK_TYPE_MATH", "reference": {"answer": "4"},
                "generate": {"model": "m", "prompt": "What is 2+2?",
                             "sampling": {"n": 3, "seed": SEED + i, "maxTokens": 200}}}

    def test_rollouts_yields_scored_groups_with_advantages_and_token_ids(self):
        from r1serve.grpc_client import R1RolloutsGrpc
        with R1RolloutsGrpc(ROLLOUTS) as client:
            groups = {g["id"]: g for g in client.rollouts((self.request(i) for i in range(5)), max_in_flight=2)}
        self.assertEqual({f"q{i}" for i in range(5)}, set(groups))
        for g in groups.values():
            samples = g["samples"]
            self.assertEqual([2.0, 1.0, 0.0], [s["total"] for s in samples])
            std = (2.0 / 3) ** 0.5
            self.assertAlmostEqual(1 / (std + 1e-6), samples[0]["advantage"], places=9)
            self.assertEqual(0.0, samples[1]["advantage"])
            self.assertEqual([ord(c) for c in samples[0]["sample"]["text"]], samples[0]["sample"]["tokenIds"])
            self.assertEqual("FINISH_REASON_EOS", samples[0]["sample"]["finishReason"])
            self.assertEqual({"accuracy", "format"}, {r["name"] for r in samples[0]["rewards"]})

    def test_a_bad_request_raises_with_the_field(self):
        import grpc
        from r1serve.grpc_client import R1RolloutsGrpc
        bad = dict(self.request(0), taskType="TASK_TYPE_UNSPECIFIED")
        with R1RolloutsGrpc(ROLLOUTS) as client:
            with self.assertRaises(grpc.RpcError) as e:
                list(client.rollouts([bad]))
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, e.exception.code())
        self.assertIn("task_type", e.exception.details())


if __name__ == "__main__":
    unittest.main()
