package dev.r1serve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code r1 generate}: one request to a running server, streamed to the terminal. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate from a running r1-serve server and stream the text.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", defaultValue = "localhost:50051", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--model", description = "Model name (default: the server's first model).")
    String model;

    @Option(names = "--temperature", description = "Default 0.6 (the R1 paper's).")
    Float temperature;

    @Option(names = "--top-p", description = "Default 0.95 (the R1 paper's).")
    Float topP;

    @Option(names = "--max-tokens", description = "Tokens to generate per sample.")
    Integer maxTokens;

    @Option(names = "--seed", description = "Request seed; sample i uses a seed derived from it.")
    Long seed;

    @Option(names = "--n", description = "Number of samples (default 1).")
    Integer n;

    @Option(names = "--stop", description = "Stop string (repeatable).")
    List<String> stop = List.of();

    @Option(names = "--raw", description = "Send PROMPT as raw text even when the model has a chat template.")
    boolean raw;

    @Option(names = "--json", description = "Print one JSON object per sample instead of streaming text.")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", defaultValue = "",
            description = "The prompt (a user message for chat models; may be empty for base models).")
    String prompt;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (R1Client client = R1Client.connect(server)) {
            List<ModelInfo> models = client.listModels();
            ModelInfo info = models.stream().filter(m -> model == null || m.getName().equals(model)).findFirst()
                    .orElse(null);
            if (info == null) {
                spec.commandLine().getErr().println("error: model '" + model + "' is not hosted by " + server
                        + " (hosted: " + models.stream().map(ModelInfo::getName).toList() + ")");
                return 1;
            }
            GenerateRequest request = request(info);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                for (Sample s : client.generate(request).getSamplesList()) {
                    out.println(mapper.writeValueAsString(toJson(mapper, s)));
                }
            } else {
                stream(client.generateStream(request), out, request.getSampling().getN());
            }
            return 0;
        } catch (StatusRuntimeException e) {
            spec.commandLine().getErr().println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } catch (Exception e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    private GenerateRequest request(ModelInfo info) {
        SamplingParams.Builder s = SamplingParams.newBuilder().addAllStop(stop);
        if (temperature != null) s.setTemperature(temperature);
        if (topP != null) s.setTopP(topP);
        if (maxTokens != null) s.setMaxTokens(maxTokens);
        if (seed != null) s.setSeed(seed);
        s.setN(n == null ? 1 : n);
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setModel(info.getName()).setSampling(s);
        if (raw || info.getTemplate().equals("none")) {
            r.setPrompt(prompt);
        } else {
            r.setChat(ChatMessages.newBuilder().addMessages(ChatMessage.newBuilder().setRole("user").setContent(prompt)));
        }
        return r.build();
    }

    /** One sample streams live; several are shown each in full once finished, so they do not interleave. */
    static void stream(Iterator<GenerateChunk> chunks, PrintWriter out, int n) {
        Map<Integer, Sample> finals = new TreeMap<>();
        while (chunks.hasNext()) {
            GenerateChunk c = chunks.next();
            if (c.hasFinal()) {
                Sample s = c.getFinal();
                if (n <= 1) {
                    out.println();
                    out.println(summary(s));
                } else {
                    out.println("--- sample " + s.getIndex() + " ---");
                    out.println(s.getText());
                    out.println(summary(s));
                }
                finals.put(s.getIndex(), s);
            } else if (n <= 1) {
                out.print(c.getTextDelta());
                out.flush();
            }
        }
    }

    static String summary(Sample s) {
        return String.format("[finish=%s tokens=%d seed=%d ttft=%.0fms total=%.0fms]",
                s.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase(),
                s.getUsage().getCompletionTokens(), s.getSeed(), s.getTimings().getTimeToFirstTokenMs(),
                s.getTimings().getTotalMs());
    }

    static ObjectNode toJson(ObjectMapper mapper, Sample s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("index", s.getIndex());
        o.put("text", s.getText());
        o.put("reasoning", s.getReasoning());
        o.put("answer", s.getAnswer());
        o.put("finish_reason", s.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase());
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", s.getUsage().getPromptTokens());
        usage.put("completion_tokens", s.getUsage().getCompletionTokens());
        o.put("seed", s.getSeed());
        return o;
    }
}
