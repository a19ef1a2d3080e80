"""The r1serve adapters against a real r1-serve reward service.

Run by the JUnit test PythonAdaptersTest (which starts the server), or by hand:
    R1SERVE_URL=http://127.0.0.1:PORT [R1SERVE_API_KEY=...] [R1SERVE_GRPC=127.0.0.1:PORT] python3 -m unittest discover -s tests
"""

from __future__ import annotations

import http.server
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from r1serve import R1Rewards, R1ServeError  # noqa: E402
from r1serve import trl as r1trl  # noqa: E402
from r1serve import verl as r1verl  # noqa: E402

URL = os.environ.get("R1SERVE_URL")
KEY = os.environ.get("R1SERVE_API_KEY")
RIGHT = "<think>2 + 2 = 4.</think><answer>The answer is $\\boxed{4}$.</answer>"
WRONG = "<think>2 + 2 = 5?</think><answer>The answer is $\\boxed{5}$.</answer>"


@unittest.skipUnless(URL, "R1SERVE_URL is not set (PythonAdaptersTest sets it)")
class AdaptersAgainstServer(unittest.TestCase):

    def test_score_returns_rewards_and_group_advantages(self):
        rollouts = [{"id": i, "groupId": "q", "groupSize": 2, "prompt": "2+2?", "completion": c,
                     "taskType": "TASK_TYPE_MATH", "reference": {"answer": "4"}} for i, c in (("r", RIGHT), ("w", WRONG))]
        results = R1Rewards(URL, api_key=KEY).score(rollouts)
        self.assertEqual(["r", "w"], [r["id"] for r in results])
        self.assertEqual(2.0, results[0]["total"])  # accuracy + format
        self.assertEqual(1.0, results[1]["total"])
        self.assertGreater(results[0]["advantage"], 0.99)
        self.assertLess(results[1]["advantage"], -0.99)

    def test_bad_rollout_raises_with_the_field(self):
        with self.assertRaises(R1ServeError) as e:
            R1Rewards(URL, api_key=KEY).score([{"id": "x", "groupId": "g", "groupSize": 1, "taskType": "TASK_TYPE_MATH"}])
        self.assertEqual(400, e.exception.status)
        self.assertIn("rollouts[0].reference.answer", str(e.exception))

    def test_trl_reward_func_plain_strings(self):
        f = r1trl.make_reward_func(URL, api_key=KEY)
        self.assertEqual("r1serve_math", f.__name__)
        rewards = f(prompts=["2+2?", "2+2?"], completions=[RIGHT, WRONG], completion_ids=[[1], [2]],
                    answer=["4", "4"], trainer_state=None)
        self.assertEqual([2.0, 1.0], rewards)

    def test_trl_reward_func_conversational(self):
        f = r1trl.make_reward_func(URL, answer_column="solution", api_key=KEY)
        prompts = [[{"role": "system", "content": "Think first."}, {"role": "user", "content": "2+2?"}]] * 2
        completions = [[{"role": "assistant", "content": RIGHT}], [{"role": "assistant", "content": WRONG}]]
        self.assertEqual([2.0, 1.0], f(prompts, completions, solution=["4", "4"]))

    def test_trl_missing_column_names_it(self):
        f = r1trl.make_reward_func(URL, answer_column="gold", api_key=KEY)
        with self.assertRaises(KeyError) as e:
            f(["p"], [RIGHT], answer=["4"])
        self.assertIn("gold", str(e.exception))

    def test_verl_compute_score_math_and_code(self):
        os.environ["R1SERVE_URL"] = URL
        if KEY:
            os.environ["R1SERVE_API_KEY"] = KEY
        self.assertEqual(2.0, r1verl.compute_score("openai/gsm8k", RIGHT, "4"))
        self.assertEqual(1.0, r1verl.compute_score("openai/gsm8k", WRONG, "4", extra_info={"index": 0}))
        code = "<think>double it</think><answer>\n```python\nprint(int(input()) * 2)\n```\n</answer>"
        tests = json.dumps({"inputs": ["2\n", "5\n"], "outputs": ["4\n", "10\n"]})
        self.assertEqual(2.0, r1verl.compute_score("codecontests", code, tests))
        bad = "<think>oops</think><answer>\n```python\nprint(int(input()) + 2)\n```\n</answer>"
        self.assertEqual(1.0, r1verl.compute_score("codecontests", bad, tests))


    def test_verl_compute_score_batch_scores_all_in_one_request(self):
        os.environ["R1SERVE_URL"] = URL
        if KEY:
            os.environ["R1SERVE_API_KEY"] = KEY
        scores = r1verl.compute_score_batch(data_sources=["gsm8k", "gsm8k", "gpqa"], solution_strs=[RIGHT, WRONG, RIGHT.replace("4", "B")],
                                            ground_truths=["4", "4", "B"], extra_infos=[None, {}, {"task_type": "choice"}])
        self.assertEqual([2.0, 1.0, 2.0], scores)


class _Busy(http.server.BaseHTTPRequestHandler):
    """A stand-in server that refuses the first request with 429 + Retry-After: 1, then answers."""
    calls = 0

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).calls += 1
        if type(self).calls == 1:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            body = b'{"error": {"code": 429, "message": "sandbox queue full"}}'
        else:
            self.send_response(200)
            body = b'{"results": [{"id": "a", "total": 1.0}]}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Retries(unittest.TestCase):

    def test_429_is_retried_after_retry_after(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            t0 = time.monotonic()
            results = R1Rewards(f"http://127.0.0.1:{server.server_port}").score([{"id": "a"}])
            self.assertGreaterEqual(time.monotonic() - t0, 0.95)
            self.assertEqual(2, _Busy.calls)
            self.assertEqual(1.0, results[0]["total"])
        finally:
            server.shutdown()
            server.server_close()


GRPC = os.environ.get("R1SERVE_GRPC")


class GrpcClient(unittest.TestCase):

    def setUp(self):
        if not GRPC:
            self.skipTest("R1SERVE_GRPC is not set")
        try:
            from r1serve import grpc_client  # noqa: F401
        except ImportError as e:
            self.skipTest(f"gRPC client unavailable here: {e}")

    def test_score_stream_sends_groups_with_advantages(self):
        from r1serve.grpc_client import R1RewardsGrpc
        rollouts = [{"id": i, "groupId": "q", "groupSize": 2, "completion": c, "taskType": "TASK_TYPE_MATH",
                     "reference": {"answer": "4"}} for i, c in (("r", RIGHT), ("w", WRONG))]
        with R1RewardsGrpc(GRPC, api_key=KEY) as client:
            results = {r["id"]: r for r in client.score_stream(iter(rollouts))}
        self.assertGreater(results["r"]["advantage"], 0)
        self.assertLess(results["w"]["advantage"], 0)


if __name__ == "__main__":
    unittest.main()
