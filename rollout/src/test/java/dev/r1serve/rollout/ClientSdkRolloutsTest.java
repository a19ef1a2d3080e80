package dev.r1serve.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.client.R1Client;
import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Java SDK's {@code rollouts(...)} publisher against a real server with a scripted model. */
class ClientSdkRolloutsTest {

    @Test
    void rolloutsPublishesEveryGroupAndKeepsWithinTheServersLimit() throws Exception {
        ScriptedModel model = new ScriptedModel(8);
        List<RolloutRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            model.script(
                    100 + i,
                    List.of(RolloutServiceTest.RIGHT, RolloutServiceTest.WRONG, RolloutServiceTest.UNFORMATTED));
            requests.add(RolloutServiceTest.math("q" + i, 100 + i, 3));
        }
        // the server refuses a third group in flight; the client keeps two outstanding
        try (RolloutServer s = new RolloutServer(model, RolloutConfig.DEFAULT.withMaxGroupsInFlight(2));
                R1Client client = R1Client.connect(s.target())) {
            List<RolloutGroup> groups = collect(client.rollouts(requests, 2, null));
            assertEquals(
                    IntStream.range(0, 12).mapToObj(i -> "q" + i).collect(Collectors.toSet()),
                    groups.stream().map(RolloutGroup::getId).collect(Collectors.toSet()));
            for (RolloutGroup g : groups) {
                assertEquals(
                        List.of(2.0, 1.0, 0.0),
                        g.getSamplesList().stream().map(x -> x.getTotal()).toList());
                assertTrue(g.getSamples(0).getAdvantage() > 0 && g.getSamples(2).getAdvantage() < 0, g.toString());
                assertEquals(
                        g.getSamples(0).getSample().getText().length(),
                        g.getSamples(0).getSample().getTokenIdsCount());
            }
        }
    }

    @Test
    void anEmptyBatchCompletesAtOnce() throws Exception {
        try (RolloutServer s = new RolloutServer(new ScriptedModel(2), RolloutConfig.DEFAULT);
                R1Client client = R1Client.connect(s.target())) {
            assertEquals(Set.of(), Set.copyOf(collect(client.rollouts(List.of()))));
        }
    }

    static List<RolloutGroup> collect(Flow.Publisher<RolloutGroup> p) throws Exception {
        List<RolloutGroup> out = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        p.subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(RolloutGroup g) {
                synchronized (out) {
                    out.add(g);
                }
                s.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        synchronized (out) {
            return List.copyOf(out);
        }
    }
}
