package dev.r1serve.server.metrics;

import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.ToIntFunction;

/** Gauges read from the hosted engines at scrape time, one series per model. */
final class EngineGauges {

    private EngineGauges() {}

    static void register(ModelRegistry models, PrometheusRegistry registry) {
        gauge(
                "r1_num_requests_running",
                "Sequences (samples) handed to the engine and not finished.",
                m -> m.scheduler().runningSequences(),
                models,
                registry);
        gauge(
                "r1_num_requests_waiting",
                "Sequences (samples) waiting in the admission queue or the engine's queue.",
                m -> m.scheduler().waitingSequences() + m.engine().queuedSequences(),
                models,
                registry);
        gauge("r1_engine_slots_busy", "Engine slots in use.", m -> m.engine().busySlots(), models, registry);
        gauge(
                "r1_engine_slots",
                "Engine slots (sequences decoded at once).",
                m -> m.engine().slots(),
                models,
                registry);
    }

    private static void gauge(
            String name,
            String help,
            ToIntFunction<HostedModel> read,
            ModelRegistry models,
            PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("model")
                .callback(cb -> {
                    for (HostedModel m : models.all()) {
                        cb.call(read.applyAsInt(m), m.name());
                    }
                })
                .register(registry);
    }
}
