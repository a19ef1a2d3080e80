package dev.r1serve.eval.sampling;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import java.time.Duration;
import java.util.Set;

/**
 * Where the eval and distill runs get their samples: r1-serve over gRPC ({@link #grpc}) or any OpenAI-compatible
 * server ({@link OpenAiSampler}). Both take the run's {@link GenerateRequest} and yield its n samples as they
 * finish, each with the seed that reproduces it.
 */
public interface Sampler extends AutoCloseable {

    /** The model called {@code name} (the server's first when null), or an error listing what is hosted. */
    ModelInfo model(String name);

    /**
     * The samples of {@code request}; samples whose index is in {@code skip} (recorded before a crash) may be left
     * out. A prompt refused as longer than the context throws {@link PromptTooLongException} (from the
     * iteration) carrying the samples it asked for.
     */
    Iterable<Sample> samples(GenerateRequest request, Set<Integer> skip, Duration deadline, RetryPolicy retry);

    /** The server, as run.json records it. */
    String target();

    @Override
    void close();

    /** An r1-serve server at {@code host:port}. */
    static Sampler grpc(String server) {
        R1Client client = R1Client.connect(server);
        return new Sampler() {
            @Override
            public ModelInfo model(String name) {
                return Workers.pickModel(client, name, server);
            }

            @Override
            public Iterable<Sample> samples(
                    GenerateRequest request, Set<Integer> skip, Duration deadline, RetryPolicy retry) {
                return new SampleStream(client, request, deadline, retry); // n samples, one stream
            }

            @Override
            public String target() {
                return server;
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    /** r1-serve at {@code server}, or the OpenAI-compatible server {@code openai} when it is given. */
    static Sampler connect(String server, OpenAiEndpoint openai) {
        return openai != null ? new OpenAiSampler(openai) : grpc(server);
    }
}
