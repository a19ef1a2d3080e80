package dev.r1serve.reward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.reward.sandbox.Language;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * POST /run_code as verl's sandbox_fusion reward calls SandboxFusion (fixtures/sandboxfusion, see its README for
 * the commits): the request it sends, SandboxFusion's response shape and status strings, runs in our sandbox.
 */
class RunCodeEndpointTest {

    static LoopbackFront front;

    @BeforeAll
    static void start() throws Exception {
        front = LoopbackFront.open();
    }

    @AfterAll
    static void stop() {
        front.close();
    }

    private static void assumeSandbox() {
        assumeTrue(front.server.hasSandbox(), "bubblewrap (bwrap) is not installed: apt-get install bubblewrap");
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    private static JsonNode run(String body) throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.RUN_CODE_PATH, body);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.json();
    }

    @Test
    void verlsRequestRunsAndAnswersInSandboxFusionsShape() throws Exception {
        assumeSandbox();
        JsonNode out = run(OpenRlhfEndpointTest.fixture("sandboxfusion/verl_run_code_request.json"));
        JsonNode expected = LoopbackFront.JSON.readTree(
                OpenRlhfEndpointTest.fixture("sandboxfusion/run_code_response_success.json"));
        assertEquals(keys(expected), keys(out));
        assertEquals(keys(expected.get("run_result")), keys(out.get("run_result")));
        assertEquals("Success", out.get("status").asText());
        assertTrue(out.get("compile_result").isNull());
        assertEquals("Finished", out.at("/run_result/status").asText());
        assertEquals(0, out.at("/run_result/return_code").asInt());
        assertEquals("7\n", out.at("/run_result/stdout").asText());
        assertTrue(out.at("/run_result/execution_time").asDouble() > 0);
    }

    @Test
    void aNonZeroExitIsFailedWithItsReturnCode() throws Exception {
        assumeSandbox();
        JsonNode out =
                run("{\"code\": \"import sys\\nprint('x', file=sys.stderr)\\nsys.exit(3)\", \"language\": \"python\"}");
        assertEquals("Failed", out.get("status").asText());
        assertEquals("Finished", out.at("/run_result/status").asText());
        assertEquals(3, out.at("/run_result/return_code").asInt());
        assertEquals("x", out.at("/run_result/stderr").asText().strip());
    }

    @Test
    void runTimeoutIsTheWallClockLimitAndReportsTimeLimitExceeded() throws Exception {
        assumeSandbox();
        JsonNode out =
                run("{\"code\": \"import time\\ntime.sleep(30)\", \"language\": \"python\", \"run_timeout\": 1}");
        assertEquals("Failed", out.get("status").asText());
        assertEquals("TimeLimitExceeded", out.at("/run_result/status").asText());
        assertTrue(out.at("/run_result/execution_time").asDouble() < 5, out.toString());
    }

    @Test
    void aCppCompileErrorIsAFailedCompileResultWithTheCompilersMessage() throws Exception {
        assumeSandbox();
        assumeTrue(front.server.mounted().pool().sandbox().supports(Language.CPP), "g++ is not installed");
        JsonNode out = run("{\"code\": \"int main() { return x; }\", \"language\": \"cpp\", \"compile_timeout\": 10}");
        JsonNode expected = LoopbackFront.JSON.readTree(
                OpenRlhfEndpointTest.fixture("sandboxfusion/run_code_response_compile_error.json"));
        assertEquals(keys(expected), keys(out));
        assertEquals(keys(expected.get("compile_result")), keys(out.get("compile_result")));
        assertEquals("Failed", out.get("status").asText());
        assertEquals("Finished", out.at("/compile_result/status").asText());
        assertEquals(1, out.at("/compile_result/return_code").asInt());
        assertTrue(out.at("/compile_result/stderr").asText().contains("error"), out.toString());
        assertTrue(out.get("run_result").isNull());

        JsonNode ok = run(
                "{\"code\": \"#include <cstdio>\\nint main() { int a, b; scanf(\\\"%d %d\\\", &a, &b); printf(\\\"%d\\\\n\\\", a * b); }\","
                        + " \"language\": \"cpp\", \"stdin\": \"6 7\"}");
        assertEquals("Success", ok.get("status").asText(), ok.toString());
        assertEquals("42\n", ok.at("/run_result/stdout").asText());
        assertEquals(0, ok.at("/compile_result/return_code").asInt());
    }

    @Test
    void memoryLimitMbBoundsTheProgram() throws Exception {
        assumeSandbox();
        JsonNode out = run(
                "{\"code\": \"x = bytearray(300 * 1024 * 1024)\\nprint('allocated')\", \"language\": \"python\", \"memory_limit_MB\": 128}");
        assertEquals("Failed", out.get("status").asText(), out.toString());
        assertTrue(!out.at("/run_result/stdout").asText().contains("allocated"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            code missing                 | {"language": "python"}                                   | code
            code not a string            | {"code": 1, "language": "python"}                        | code
            language missing             | {"code": "print(1)"}                                     | language
            SandboxFusion language we lack | {"code": "package main", "language": "go"}             | language
            no such language             | {"code": "x", "language": "cobol"}                       | language
            alias is not SandboxFusion's | {"code": "print(1)", "language": "python3"}              | language
            run_timeout zero             | {"code": "print(1)", "language": "python", "run_timeout": 0} | run_timeout
            run_timeout over the limit   | {"code": "print(1)", "language": "python", "run_timeout": 3600} | run_timeout
            compile_timeout not a number | {"code": "print(1)", "language": "python", "compile_timeout": "10"} | compile_timeout
            memory below the floor       | {"code": "print(1)", "language": "python", "memory_limit_MB": 1} | memory_limit_MB
            files are not supported      | {"code": "print(1)", "language": "python", "files": {"a.txt": "eA=="}} | files
            fetch_files are not supported | {"code": "print(1)", "language": "python", "fetch_files": ["out.txt"]} | fetch_files
            unknown field                | {"code": "print(1)", "language": "python", "timeout": 5}  | timeout
            """)
    void badRequestsAre400InFastApisValidationShape(String trap, String body, String field) throws Exception {
        LoopbackFront.Reply reply = front.post(RewardHttpFront.RUN_CODE_PATH, body);
        assertEquals(400, reply.status(), trap + ": " + reply.raw().body());
        JsonNode detail = reply.json().at("/detail/0");
        assertEquals("body", detail.at("/loc/0").asText());
        assertEquals(field, detail.at("/loc/1").asText(), reply.raw().body());
        assertTrue(detail.get("msg").asText().startsWith(field), reply.raw().body());
    }

    @Test
    void theSandboxFusionFixturesAreTheShapesOfItsModels() throws Exception {
        // RunCodeResponse and CommandRunResult fields (sandbox/server/sandbox_api.py, sandbox/runners/types.py)
        ObjectNode success = (ObjectNode) LoopbackFront.JSON.readTree(
                OpenRlhfEndpointTest.fixture("sandboxfusion/run_code_response_success.json"));
        assertEquals(
                Set.of("status", "message", "compile_result", "run_result", "executor_pod_name", "files"),
                keys(success));
        assertEquals(
                Set.of("status", "execution_time", "return_code", "stdout", "stderr"), keys(success.get("run_result")));
        JsonNode request =
                LoopbackFront.JSON.readTree(OpenRlhfEndpointTest.fixture("sandboxfusion/verl_run_code_request.json"));
        assertEquals(
                Set.of("compile_timeout", "run_timeout", "code", "stdin", "language", "files", "fetch_files"),
                keys(request));
    }
}
