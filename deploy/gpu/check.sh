#!/usr/bin/env bash
# GPU smoke check: a distilled R1 model served by a running GPU backend (vLLM, SGLang, trtllm-serve or
# DJL Serving LMI with TensorRT-LLM), through r1-serve's remote engine, answers 5 AIME 2024 questions.
#
#   BACKEND=openai|lmi         the backend's API (default openai)
#   BACKEND_URL=URL            where it listens (default http://127.0.0.1:8000, LMI: http://127.0.0.1:8081)
#   MODEL=ID                   the backend's model name (default deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B)
#   MAX_TOKENS=N               per answer (default 32768; lower it for a quicker check)
#   TOKENIZE=true|false        the backend has POST /tokenize (default: true for openai, false for lmi)
#
# Exits non-zero when the GPU, the backend or r1-serve is missing or nothing came back; wrong answers are
# reported, not failed (five questions say little about accuracy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BACKEND="${BACKEND:-openai}"
if [[ "$BACKEND" == lmi ]]; then
  BACKEND_URL="${BACKEND_URL:-http://127.0.0.1:8081}"; HEALTH=/ping; TOKENIZE="${TOKENIZE:-false}"
else
  BACKEND_URL="${BACKEND_URL:-http://127.0.0.1:8000}"; HEALTH=/health; TOKENIZE="${TOKENIZE:-true}"
fi
MODEL="${MODEL:-deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B}"
MAX_TOKENS="${MAX_TOKENS:-32768}"
NAME=r1-gpu

die() { echo "check.sh: $*" >&2; exit 1; }

command -v nvidia-smi >/dev/null || die "no nvidia-smi: this check needs a machine with an NVIDIA GPU"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || die "nvidia-smi sees no GPU"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"
curl -fsS -m 5 "$BACKEND_URL$HEALTH" >/dev/null \
  || die "the $BACKEND backend does not answer $BACKEND_URL$HEALTH (start the container first; see deploy/gpu/README.md)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
GRPC_PORT="$(free_port)"; HTTP_PORT="$(free_port)"
WORK="$(mktemp -d)"
cat > "$WORK/r1.yaml" <<YAML
host: 127.0.0.1
port: $GRPC_PORT
httpPort: $HTTP_PORT
models:
  - name: $NAME
    engine: $BACKEND
    urls: [$BACKEND_URL]
    backendModel: $MODEL
    template: deepseek-r1
    contextLength: $((MAX_TOKENS + 4096))
    defaultMaxTokens: $MAX_TOKENS
    slots: 8
    idleTimeoutSeconds: 600
    tokenize: $TOKENIZE
YAML

"$ROOT/r1" serve --config "$WORK/r1.yaml" > "$WORK/serve.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for _ in $(seq 1 300); do   # the first run builds r1-serve
  curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; die "r1-serve exited"; }
  sleep 1
done
curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/v1/models" || { cat "$WORK/serve.log" >&2; die "r1-serve is not serving"; }
echo

if "$ROOT/r1" eval --help >/dev/null 2>&1; then
  echo "== ./r1 eval --benchmark aime24 --limit 5 --k 1"
  exec_status=0
  "$ROOT/r1" eval --server "127.0.0.1:$GRPC_PORT" --model "$NAME" --benchmark aime24 --limit 5 --k 1 || exec_status=$?
  exit "$exec_status"
fi

echo "== 5 AIME 2024 questions through the OpenAI front (./r1 eval is not available)"
R1_HTTP="http://127.0.0.1:$HTTP_PORT" R1_MODEL="$NAME" R1_MAX_TOKENS="$MAX_TOKENS" python3 - <<'PY'
import json, os, re, sys, urllib.request

QUESTIONS = [
    ("Every morning Aya goes for a $9$-kilometer-long walk and stops at a coffee shop afterwards. When she walks at a constant speed of $s$ kilometers per hour, the walk takes her 4 hours, including $t$ minutes spent in the coffee shop. When she walks $s+2$ kilometers per hour, the walk takes her 2 hours and 24 minutes, including $t$ minutes spent in the coffee shop. Suppose Aya walks at $s+\\frac{1}{2}$ kilometers per hour. Find the number of minutes the walk takes her, including the $t$ minutes spent in the coffee shop.", 204),
    ("There exist real numbers $x$ and $y$, both greater than 1, such that $\\log_x\\left(y^x\\right)=\\log_y\\left(x^{4y}\\right)=10$. Find $xy$.", 25),
    ("Alice and Bob play the following game. A stack of $n$ tokens lies before them. The players take turns with Alice going first. On each turn, the player removes either $1$ token or $4$ tokens from the stack. Whoever removes the last token wins. Find the number of positive integers $n$ less than or equal to $2024$ for which there exists a strategy for Bob that guarantees that Bob will win the game regardless of Alice's play.", 809),
    ("Jen enters a lottery by picking $4$ distinct numbers from $S=\\{1,2,3,\\cdots,9,10\\}.$ $4$ numbers are randomly chosen from $S.$ She wins a prize if at least two of her numbers were $2$ of the randomly chosen numbers, and wins the grand prize if all four of her numbers were the randomly chosen numbers. The probability of her winning the grand prize given that she won a prize is $\\tfrac{m}{n}$ where $m$ and $n$ are relatively prime positive integers. Find $m+n$.", 116),
    ("Rectangles $ABCD$ and $EFGH$ are drawn such that $D,E,C,F$ are collinear. Also, $A,D,H,G$ all lie on a circle. If $BC=16$, $AB=107$, $FG=17$, and $EF=184$, what is the length of $CE$?", 104),
]
SUFFIX = "\nPlease reason step by step, and put your final answer within \\boxed{}."

def boxed(text):
    i = text.rfind("\\boxed{")
    if i < 0:
        return None
    depth, j = 1, i + len("\\boxed{")
    start = j
    while j < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        j += 1
    return text[start:j - 1].strip() if depth == 0 else None

url = os.environ["R1_HTTP"] + "/v1/chat/completions"
correct = answered = 0
for k, (question, reference) in enumerate(QUESTIONS, 1):
    body = json.dumps({"model": os.environ["R1_MODEL"], "messages": [{"role": "user", "content": question + SUFFIX}],
                       "temperature": 0.6, "top_p": 0.95, "seed": k,
                       "max_tokens": int(os.environ["R1_MAX_TOKENS"])}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=3600) as r:
            reply = json.load(r)
    except Exception as e:
        print(f"Q{k}: request failed: {e}")
        continue
    choice = reply["choices"][0]
    got = boxed(choice["message"].get("content") or "")
    ok = got is not None and re.sub(r"[^0-9]", "", got).lstrip("0") == str(reference)
    answered += got is not None
    correct += ok
    print(f"Q{k}: boxed={got!r} reference={reference} {'OK' if ok else 'wrong'} "
          f"(finish={choice['finish_reason']}, reasoning chars={len(choice['message'].get('reasoning_content') or '')}, "
          f"tokens={reply['usage']['completion_tokens']})")
print(f"{correct}/5 correct, {answered}/5 with a boxed answer")
sys.exit(0 if answered > 0 else 1)
PY
