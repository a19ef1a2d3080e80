package dev.r1serve.server.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The models a server hosts, by name, in configuration order. Built once at start-up. */
public final class ModelRegistry implements AutoCloseable {

    private final Map<String, HostedModel> models = new LinkedHashMap<>();

    public ModelRegistry add(HostedModel model) {
        if (models.putIfAbsent(model.name(), model) != null) {
            throw new IllegalArgumentException("model name '" + model.name() + "' is configured twice");
        }
        return this;
    }

    public Optional<HostedModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public Collection<HostedModel> all() {
        return Collections.unmodifiableCollection(models.values());
    }

    @Override
    public void close() {
        for (HostedModel m : models.values()) {
            m.engine().close();
        }
    }
}
