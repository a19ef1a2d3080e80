package dev.r1serve.client;

import dev.r1serve.proto.v1.GenerateChunk;
import java.util.List;

/** One event of a streamed generation: new text of a sample, or a finished sample. */
public sealed interface StreamEvent {

    /** Index of the sample the event belongs to. */
    int index();

    /** New text of sample {@code index} (never a partial character or a partial stop string). */
    record TextDelta(int index, String text, List<Integer> tokenIds) implements StreamEvent {}

    /** Sample {@code index} is complete; no event of that sample follows. */
    record SampleDone(int index, GeneratedSample sample) implements StreamEvent {}

    static StreamEvent of(GenerateChunk c) {
        if (c.hasFinal()) {
            return new SampleDone(c.getIndex(), GeneratedSample.of(c.getFinal()));
        }
        return new TextDelta(c.getIndex(), c.getTextDelta(), List.copyOf(c.getTokenIdsList()));
    }
}
