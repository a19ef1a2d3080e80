package dev.r1serve.eval.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.reward.sandbox.CodeTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loaders of the code benchmarks. Both render the whole instruction into the question text, and keep what goes
 * before the answer's code as the question's {@code gold}: HumanEval's stub, LiveCodeBench's import prelude.
 *
 * <ul>
 *   <li><b>HumanEval</b> (openai/human-eval JSONL: task_id, prompt, test, entry_point): the answer is the complete
 *       function; one function-call test, {@code check(entry_point)} with the task's test code.</li>
 *   <li><b>LiveCodeBench</b> (code_generation_lite's JSONL as published, one problem per line with question_id,
 *       question_content, starter_code, difficulty, public_test_cases (a JSON string of an array of
 *       {@code {input, output, testtype}}), private_test_cases (the same array, base64/zlib/pickle-encoded as
 *       published, or plain JSON), metadata with func_name for functional problems): stdin tests compare
 *       stdout; functional tests call
 *       {@code Solution().func_name(*args)} with the JSON-per-line input and compare with the JSON output.
 *       The prompt is LiveCodeBench's own generation prompt.</li>
 * </ul>
 */
public final class CodeBenchmarks {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The instruction around a HumanEval stub. */
    static final String HUMANEVAL_PROMPT =
            "Complete the following Python function. Give the complete function, with the"
                    + " imports it needs, in a ```python code block.\n\n```python\n%s```";

    /**
     * What LiveCodeBench's harness puts before every program (lcb_runner's import string): the standard modules
     * competitive solutions use without importing them, and a deep recursion limit.
     */
    static final String LIVECODEBENCH_PRELUDE = String.join(
            "\n",
            "from string import *",
            "from re import *",
            "from datetime import *",
            "from collections import *",
            "from heapq import *",
            "from bisect import *",
            "from copy import *",
            "from math import *",
            "from random import *",
            "from statistics import *",
            "from itertools import *",
            "from functools import *",
            "from operator import *",
            "from io import *",
            "from sys import *",
            "from json import *",
            "from builtins import *",
            "from typing import *",
            "import string",
            "import re",
            "import datetime",
            "import collections",
            "import heapq",
            "import bisect",
            "import copy",
            "import math",
            "import random",
            "import statistics",
            "import itertools",
            "import functools",
            "import operator",
            "import io",
            "import sys",
            "import json",
            "sys.setrecursionlimit(50000)",
            "");

    private CodeBenchmarks() {}

    /** HumanEval's JSONL. */
    public static List<Question> humanEval(String file, byte[] data) {
        List<Question> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonlObjects.forEach(file, data, "questions", (line, n) -> {
            String id = text(file, line, n, "task_id");
            String stub = text(file, line, n, "prompt");
            String test = text(file, line, n, "test");
            String entry = text(file, line, n, "entry_point");
            if (!ids.add(id)) throw DataFormatException.at(file, line, "duplicate task_id \"" + id + "\"");
            out.add(new Question(
                    id,
                    HUMANEVAL_PROMPT.formatted(stub),
                    stub,
                    List.of(),
                    Map.of(),
                    List.of(CodeTest.call(test, entry))));
        });
        return out;
    }

    /** LiveCodeBench's code-generation problems (code_generation_lite JSONL). */
    public static List<Question> liveCodeBench(String file, byte[] data) {
        List<Question> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonlObjects.forEach(file, data, "questions", (line, n) -> {
            String id = text(file, line, n, "question_id");
            String content = text(file, line, n, "question_content");
            String starter = n.path("starter_code").asText("");
            JsonNode meta = n.get("metadata");
            if (meta != null && meta.isTextual()) meta = parse(file, line, meta.asText(), "metadata");
            String func = meta == null ? "" : meta.path("func_name").asText("");
            List<CodeTest> tests = new ArrayList<>();
            for (String field : List.of("public_test_cases", "private_test_cases")) {
                JsonNode cases = n.get(field);
                if (cases == null || cases.isNull()) continue;
                if (cases.isTextual()) {
                    String t = cases.asText().strip();
                    if (t.isEmpty()) continue;
                    if (!t.startsWith("[")) {
                        // as published: base64 of zlib of a pickled JSON string
                        String decoded = decodePublished(t);
                        if (decoded == null) {
                            throw DataFormatException.at(
                                    file,
                                    line,
                                    "field \"" + field + "\" is neither a JSON array nor"
                                            + " LiveCodeBench's base64/zlib/pickle encoding of one: decode it to a JSON array of {input, output, testtype}");
                        }
                        t = decoded;
                    }
                    cases = parse(file, line, t, field);
                }
                if (!cases.isArray())
                    throw DataFormatException.at(
                            file, line, "field \"" + field + "\" must be an array of {input, output, testtype}");
                for (JsonNode c : cases) {
                    String input = c.path("input").asText(""),
                            output = c.path("output").asText("");
                    if (c.path("testtype").asText("stdin").equals("functional")) {
                        if (func.isEmpty())
                            throw DataFormatException.at(file, line, "functional test without metadata.func_name");
                        tests.add(CodeTest.call(functionalCheck(func, input, output), "Solution"));
                    } else {
                        tests.add(CodeTest.io(input, output));
                    }
                }
            }
            if (tests.isEmpty()) throw DataFormatException.at(file, line, "problem " + id + " has no test cases");
            if (!ids.add(id)) throw DataFormatException.at(file, line, "duplicate question_id \"" + id + "\"");
            Map<String, String> attrs = new LinkedHashMap<>();
            if (n.hasNonNull("difficulty"))
                attrs.put("difficulty", n.get("difficulty").asText());
            if (n.hasNonNull(DateWindow.ATTRIBUTE)) {
                // published as "2023-08-21T00:00:00"; the day is what release windows compare
                String d = n.get(DateWindow.ATTRIBUTE).asText();
                if (!d.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                    throw DataFormatException.at(
                            file,
                            line,
                            "field \"" + DateWindow.ATTRIBUTE + "\" must start with a date yyyy-MM-dd, got \"" + d
                                    + "\"");
                }
                try {
                    attrs.put(
                            DateWindow.ATTRIBUTE,
                            java.time.LocalDate.parse(d.substring(0, 10)).toString());
                } catch (java.time.format.DateTimeParseException e) {
                    throw DataFormatException.at(
                            file, line, "field \"" + DateWindow.ATTRIBUTE + "\" is not a valid date: \"" + d + "\"");
                }
            }
            out.add(new Question(
                    id, liveCodeBenchPrompt(content, starter), LIVECODEBENCH_PRELUDE, List.of(), attrs, tests));
        });
        return out;
    }

    /**
     * LiveCodeBench's published encoding of private test cases, undone: base64, then zlib, then a pickled
     * Python {@code str} (protocols 2 to 5) holding the JSON array. Returns null when {@code text} is not that.
     */
    static String decodePublished(String text) {
        try {
            byte[] zipped = java.util.Base64.getDecoder().decode(text);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater();
            inflater.setInput(zipped);
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) return null;
                raw.write(buf, 0, n);
                if (raw.size() > (256 << 20)) return null; // a test set, not a decompression bomb
            }
            inflater.end();
            return pickledString(java.nio.ByteBuffer.wrap(raw.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN));
        } catch (IllegalArgumentException | java.util.zip.DataFormatException | java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    /** The one {@code str} of a pickle made by {@code pickle.dumps(some_str)}; null for anything else. */
    private static String pickledString(java.nio.ByteBuffer b) {
        String value = null;
        while (b.hasRemaining()) {
            int op = b.get() & 0xff;
            switch (op) {
                case 0x80 -> b.get(); // PROTO n
                case 0x95 -> b.getLong(); // FRAME length
                case 0x94 -> {} // MEMOIZE
                case 0x8c -> value = utf8(b, b.get() & 0xff); // SHORT_BINUNICODE
                case 0x58 -> value = utf8(b, b.getInt() & 0xffffffffL); // BINUNICODE
                case 0x8d -> value = utf8(b, b.getLong()); // BINUNICODE8
                case 0x71 -> b.get(); // BINPUT (protocol 2)
                case 0x2e -> { // STOP
                    return value;
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    private static String utf8(java.nio.ByteBuffer b, long length) {
        if (length < 0 || length > b.remaining()) throw new java.nio.BufferUnderflowException();
        byte[] bytes = new byte[(int) length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** LiveCodeBench's generation prompt (lcb_runner's format without a system message). */
    static String liveCodeBenchPrompt(String question, String starter) {
        String head =
                "You will be given a question (problem specification) and will generate a correct Python program that"
                        + " matches the specification and passes all tests.\n\nQuestion: " + question + "\n\n";
        if (!starter.isBlank()) {
            return head
                    + "You will use the following starter code to write the solution to the problem and enclose your code"
                    + " within delimiters.\n```python\n" + starter + "\n```\n\n";
        }
        return head
                + "Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the"
                + " sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs,"
                + " it reads the inputs, runs the algorithm and writes output to STDOUT.\n```python\n# YOUR CODE HERE\n```\n\n";
    }

    /** A {@code check(candidate)} that calls {@code candidate().func(*args)}: one JSON value per input line. */
    static String functionalCheck(String func, String input, String output) {
        return "def check(candidate):\n"
                + "    import json\n"
                + "    args = [json.loads(line) for line in " + pyString(input) + ".split(\"\\n\") if line.strip()]\n"
                + "    expected = json.loads(" + pyString(output) + ")\n"
                + "    got = getattr(candidate(), " + pyString(func) + ")(*args)\n"
                + "    assert got == expected, (got, expected)\n";
    }

    /** A Python string literal (JSON string syntax is valid Python for these). */
    private static String pyString(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String file, int line, String text, String field) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw DataFormatException.at(
                    file,
                    line,
                    (field == null ? "" : "field \"" + field + "\": ") + "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(String file, int line, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
            throw DataFormatException.at(file, line, "missing field \"" + field + "\"");
        }
        return v.asText();
    }
}
