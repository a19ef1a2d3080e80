package dev.r1serve.server.scheduling;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import java.util.ArrayList;
import java.util.List;

/** Test double: an engine whose sequences run until the test finishes them; records what it was given. */
final class ScriptedEngine implements Engine {

    record Started(SequenceSpec spec, SequenceListener listener) {}

    final List<Started> started = new ArrayList<>();
    private final int slots;

    ScriptedEngine(int slots) {
        this.slots = slots;
    }

    @Override
    public dev.r1serve.server.engine.EngineCapabilities capabilities() {
        return dev.r1serve.server.engine.EngineCapabilities.TEXT_ONLY;
    }

    @Override
    public String source() {
        return "scripted";
    }

    @Override
    public String templateHint() {
        return "";
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public int contextLength() {
        return 1024;
    }

    @Override
    public int[] tokenize(String text) {
        return new int[text.length()];
    }

    @Override
    public synchronized SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
        Started s = new Started(spec, listener);
        started.add(s);
        listener.onStart();
        return () -> finish(s, FinishReason.CANCELLED);
    }

    /** Ends the i-th started sequence. */
    void finish(int i) {
        finish(started.get(i), FinishReason.EOS);
    }

    private void finish(Started s, FinishReason reason) {
        s.listener().onFinish(new SequenceResult(reason, 1, 1, null));
    }

    @Override
    public int busySlots() {
        return 0;
    }

    @Override
    public int queuedSequences() {
        return 0;
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {}
}
