#!/usr/bin/env python3
"""Writes expected.json: each conversation of conversations.json rendered by each official chat template
with Python's Jinja2, the way Hugging Face transformers' apply_chat_template renders it (an immutable
sandboxed environment with trim_blocks, lstrip_blocks and loop controls; raise_exception; variables
messages, add_generation_prompt=True, bos_token, eos_token; no tools).

Run from the repository root:  python3 server/src/test/resources/chat-templates/make_fixtures.py
The templates are the bundled copies in server/src/main/resources/chat-templates; for DeepSeek-R1-Distill
and Llama 3 the script first checks that they equal the official files in ../shared/data/tokenizers (or
$R1_TOKENIZERS), so the fixtures are the official renderings.
"""
import json
import os
import sys

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "..", "..", "..", "main", "resources", "chat-templates")
OFFICIAL = os.environ.get("R1_TOKENIZERS", os.path.join(HERE, *[".."] * 5, "..", "shared", "data", "tokenizers"))

# template id -> (bos_token, eos_token) as the model's tokenizer_config.json sets them
TEMPLATES = {
    "deepseek-r1": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"),
    "qwen2.5": ("", "<|im_end|>"),
    "llama3": ("<|begin_of_text|>", "<|eot_id|>"),
    "plain": ("", ""),
}


def official(template_id):
    if template_id == "deepseek-r1":
        with open(os.path.join(OFFICIAL, "deepseek-r1-distill-qwen", "chat_template.jinja"), encoding="utf-8") as f:
            return f.read()
    if template_id == "llama3":
        with open(os.path.join(OFFICIAL, "llama3.1", "tokenizer_config.json"), encoding="utf-8") as f:
            return json.load(f)["chat_template"]
    return None


def raise_exception(message):
    raise TemplateError(message)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    with open(os.path.join(HERE, "conversations.json"), encoding="utf-8") as f:
        conversations = json.load(f)
    expected = {}
    for template_id, (bos, eos) in TEMPLATES.items():
        with open(os.path.join(BUNDLED, template_id + ".jinja"), encoding="utf-8") as f:
            source = f.read()
        ref = official(template_id)
        if ref is not None and ref != source:
            sys.exit(f"bundled {template_id}.jinja differs from the official template")
        template = env.from_string(source)
        expected[template_id] = [template.render(messages=c["messages"], add_generation_prompt=True,
                                                 bos_token=bos, eos_token=eos) for c in conversations]
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
