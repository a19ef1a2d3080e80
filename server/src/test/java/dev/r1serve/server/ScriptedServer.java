package dev.r1serve.server;

import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.testkit.ByteLevelBpeVocab;
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.testkit.TinyModelGenerator.Architecture;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A second real server per test JVM hosting several models at once, all scripted GGUFs written by the
 * project (real Qwen2/Llama architectures whose weights make greedy decoding follow a designed text):
 * <ul>
 *   <li>{@link #R1_QWEN2}, {@link #R1_LLAMA}: DeepSeek-R1 template; after {@code <｜Assistant｜>} they write
 *       {@code <think>\nLet me think</think>\n\nThe answer is 42} then EOS, so with the template's
 *       {@code <think>\n} pre-fill they continue from "Let".</li>
 *   <li>{@link #UTF8}: Qwen2.5 template; answers "中文" in tokens that split each character mid-way.</li>
 * </ul>
 */
final class ScriptedServer {

    static final String R1_QWEN2 = "r1-qwen2";
    static final String R1_LLAMA = "r1-llama";
    static final String UTF8 = "utf8";
    static final List<String> R1_SCRIPT =
            List.of("<think>", "\n", "Let", " me", " think", "</think>", "\n\n", "The", " answer", " is", " 42");

    private static R1Server server;
    private static ManagedChannel channel;

    private ScriptedServer() {}

    static synchronized R1Server get() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("r1-scripted");
                Path qwen = TinyModelGenerator.scripted(Architecture.QWEN2, R1_SCRIPT, "<｜Assistant｜>")
                        .write(dir.resolve("r1-qwen2.gguf"));
                Path llama = TinyModelGenerator.scripted(Architecture.LLAMA, R1_SCRIPT, "<｜Assistant｜>")
                        .write(dir.resolve("r1-llama.gguf"));
                Path utf8 = TinyModelGenerator.scriptedPieces(
                                Architecture.QWEN2, TinyModelGenerator.splitMidCharacter("中文"), "\n")
                        .withFamily(ByteLevelBpeVocab.Family.QWEN25)
                        .write(dir.resolve("utf8.gguf"));
                SharedServer shared = SharedServer.start(ModelLoader.loadAll(List.of(
                        ModelConfig.llamaCpp(R1_QWEN2, qwen.toString(), "deepseek-r1", 256, 2, 1),
                        ModelConfig.llamaCpp(R1_LLAMA, llama.toString(), "deepseek-r1", 256, 2, 1),
                        ModelConfig.llamaCpp(UTF8, utf8.toString(), "qwen2.5", 256, 2, 1))));
                server = shared.server();
                channel = shared.channel();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    static InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
        get();
        return InferenceServiceGrpc.newBlockingStub(channel);
    }
}
