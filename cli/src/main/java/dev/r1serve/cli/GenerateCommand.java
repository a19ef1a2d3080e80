package dev.r1serve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.client.GeneratedSample;
import dev.r1serve.client.R1Client;
import dev.r1serve.client.StreamEvent;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code r1 generate}: one request to a running server, streamed to the terminal. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate from a running r1-serve server and stream the text.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            defaultValue = "localhost:50051",
            description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
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

    @Parameters(
            arity = "0..1",
            paramLabel = "PROMPT",
            defaultValue = "",
            description = "The prompt (a user message for chat models; may be empty for base models).")
    String prompt;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String unresolved = unresolvableHost(server);
        if (unresolved != null) {
            // Checked before connecting: grpc-java would log a WARNING with a stack trace per resolution attempt.
            spec.commandLine()
                    .getErr()
                    .println("error: cannot connect to " + server + " (unknown host " + unresolved + ")");
            return 1;
        }
        try (R1Client client = R1Client.connect(server)) {
            List<ModelInfo> models = client.listModels();
            ModelInfo info = models.stream()
                    .filter(m -> model == null || m.getName().equals(model))
                    .findFirst()
                    .orElse(null);
            if (info == null) {
                spec.commandLine()
                        .getErr()
                        .println("error: model '" + model + "' is not hosted by " + server + " (hosted: "
                                + models.stream().map(ModelInfo::getName).toList() + ")");
                return 1;
            }
            GenerateRequest request = request(info);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                for (GeneratedSample s : client.generate(request).samples()) {
                    out.println(mapper.writeValueAsString(toJson(mapper, s)));
                }
            } else {
                try (R1Client.GenerationStream events = client.stream(request)) {
                    boolean prefilled = request.hasChat() && info.getTemplate().equals("deepseek-r1");
                    stream(events, out, request.getSampling().getN(), prefilled);
                }
            }
            return 0;
        } catch (StatusRuntimeException e) {
            spec.commandLine().getErr().println("error: " + describe(e, server));
            return 1;
        } catch (Exception e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    /** The host of a plain {@code HOST:PORT} target when it does not resolve; null otherwise (or for dns:/// etc.). */
    static String unresolvableHost(String target) {
        if (target.contains("://") || target.lastIndexOf(':') <= 0) {
            return null;
        }
        String host = target.substring(0, target.lastIndexOf(':'));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            java.net.InetAddress.getAllByName(host);
            return null;
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }

    /** A failed call in words: "cannot connect to HOST:PORT (connection refused)" rather than "io exception". */
    static String describe(StatusRuntimeException e, String target) {
        if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
            for (Throwable t = e.getStatus().getCause(); t != null; t = t.getCause()) {
                if (t instanceof java.net.ConnectException) {
                    return "cannot connect to " + target + " (connection refused)";
                }
                if (t instanceof java.net.UnknownHostException) {
                    return "cannot connect to " + target + " (unknown host)";
                }
            }
        }
        return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }

    private GenerateRequest request(ModelInfo info) {
        SamplingParams.Builder s = SamplingParams.newBuilder().addAllStop(stop);
        if (temperature != null) s.setTemperature(temperature);
        if (topP != null) s.setTopP(topP);
        if (maxTokens != null) s.setMaxTokens(maxTokens);
        if (seed != null) s.setSeed(seed);
        s.setN(n == null ? 1 : n);
        GenerateRequest.Builder r =
                GenerateRequest.newBuilder().setModel(info.getName()).setSampling(s);
        if (raw || info.getTemplate().equals("none") || info.getTemplate().equals("plain")) {
            r.setPrompt(prompt);
        } else {
            r.setChat(ChatMessages.newBuilder()
                    .addMessages(ChatMessage.newBuilder().setRole("user").setContent(prompt)));
        }
        return r.build();
    }

    /**
     * One sample streams live, its reasoning dimmed on a terminal (from the pre-filled or generated
     * {@code <think>} to {@code </think>}); several are shown each in full once finished, so they do not
     * interleave.
     */
    static void stream(Iterator<StreamEvent> events, PrintWriter out, int n, boolean startsInReasoning) {
        boolean ansi = CommandLine.Help.Ansi.AUTO.enabled();
        ReasoningDimmer dimmer = new ReasoningDimmer(startsInReasoning, ansi);
        while (events.hasNext()) {
            switch (events.next()) {
                case StreamEvent.TextDelta d -> {
                    if (n <= 1) {
                        out.print(dimmer.render(d.text()));
                        out.flush();
                    }
                }
                case StreamEvent.SampleDone done -> {
                    GeneratedSample s = done.sample();
                    if (n <= 1) {
                        out.print(dimmer.end());
                        out.println();
                    } else {
                        out.println("--- sample " + s.index() + " ---");
                        out.println(s.text());
                    }
                    out.println(summary(s));
                }
            }
        }
        out.flush();
    }

    static String summary(GeneratedSample s) {
        return String.format(
                "[finish=%s tokens=%d seed=%d ttft=%.0fms total=%.0fms]",
                s.finishReason().name().toLowerCase(),
                s.completionTokens(),
                s.seed(),
                s.timings().timeToFirstTokenMs(),
                s.timings().totalMs());
    }

    static ObjectNode toJson(ObjectMapper mapper, GeneratedSample s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("index", s.index());
        o.put("text", s.text());
        o.put("reasoning", s.reasoning());
        o.put("answer", s.answer());
        o.put("finish_reason", s.finishReason().name().toLowerCase());
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", s.promptTokens());
        usage.put("completion_tokens", s.completionTokens());
        o.put("seed", s.seed());
        return o;
    }

    /** Wraps reasoning text in ANSI dim/reset codes as it streams past the think tags. */
    static final class ReasoningDimmer {
        private static final String DIM = "\u001B[2m";
        private static final String RESET = "\u001B[0m";
        private final boolean ansi;
        private boolean inReasoning;
        private boolean dimOn;

        ReasoningDimmer(boolean startsInReasoning, boolean ansi) {
            this.ansi = ansi;
            this.inReasoning = startsInReasoning;
        }

        String render(String text) {
            if (!ansi) {
                return text;
            }
            StringBuilder sb = new StringBuilder();
            String rest = text;
            while (!rest.isEmpty()) {
                if (!inReasoning) {
                    int open = rest.indexOf("<think>");
                    if (open < 0) {
                        sb.append(style(false)).append(rest);
                        break;
                    }
                    sb.append(style(false)).append(rest, 0, open);
                    inReasoning = true;
                    rest = rest.substring(open);
                } else {
                    int close = rest.indexOf("</think>");
                    if (close < 0) {
                        sb.append(style(true)).append(rest);
                        break;
                    }
                    sb.append(style(true)).append(rest, 0, close + "</think>".length());
                    inReasoning = false;
                    rest = rest.substring(close + "</think>".length());
                }
            }
            return sb.toString();
        }

        private String style(boolean dim) {
            if (dim == dimOn) {
                return "";
            }
            dimOn = dim;
            return dim ? DIM : RESET;
        }

        String end() {
            return dimOn ? RESET : "";
        }
    }
}
