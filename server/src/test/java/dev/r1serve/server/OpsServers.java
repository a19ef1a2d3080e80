package dev.r1serve.server;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Extra servers with {@link ServerOptions} (API keys, TLS, rate limits, metrics) on free loopback ports,
 * hosting {@link TestServer}'s already loaded stories model: models are loaded once per JVM, so these
 * servers borrow its engines and closing them leaves the engines running.
 */
public final class OpsServers {

    private OpsServers() {}

    /** Starts a server on 127.0.0.1, a free port; the caller closes it. */
    public static R1Server start(ServerOptions options) {
        try {
            return R1Server.onPort("127.0.0.1", 0, borrowedModels(), 64, options)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelRegistry borrowedModels() {
        ModelRegistry borrowed = new ModelRegistry();
        for (HostedModel m : TestServer.get().models().all()) {
            Engine engine = new BorrowedEngine(m.engine());
            borrowed.add(new HostedModel(
                    m.name(),
                    m.kind(),
                    engine,
                    m.template(),
                    m.defaultMaxTokens(),
                    new Scheduler(engine, SchedulerConfig.defaults())));
        }
        return borrowed;
    }

    /** Test double: forwards everything to the shared engine except close, which belongs to its owner. */
    private record BorrowedEngine(Engine engine) implements Engine {
        @Override
        public dev.r1serve.server.engine.EngineCapabilities capabilities() {
            return engine.capabilities();
        }

        @Override
        public String source() {
            return engine.source();
        }

        @Override
        public String templateHint() {
            return engine.templateHint();
        }

        @Override
        public int[] tokenize(dev.r1serve.server.chat.ChatPrompt prompt) {
            return engine.tokenize(prompt);
        }

        @Override
        public java.util.List<String> specialTokens() {
            return engine.specialTokens();
        }

        @Override
        public String bosToken() {
            return engine.bosToken();
        }

        @Override
        public String eosToken() {
            return engine.eosToken();
        }

        @Override
        public int slots() {
            return engine.slots();
        }

        @Override
        public int contextLength() {
            return engine.contextLength();
        }

        @Override
        public int[] tokenize(String text) {
            return engine.tokenize(text);
        }

        @Override
        public SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
            return engine.submit(spec, listener);
        }

        @Override
        public int busySlots() {
            return engine.busySlots();
        }

        @Override
        public int queuedSequences() {
            return engine.queuedSequences();
        }

        @Override
        public boolean isHealthy() {
            return engine.isHealthy();
        }

        @Override
        public void close() {}
    }
}
