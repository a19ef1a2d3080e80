package dev.r1serve.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves {@code static:///host1:port1,host2:port2} to a fixed list of replicas, for client-side
 * balancing without DNS (a fixed fleet, or tests). Kubernetes users use {@code dns:///svc:port} on a
 * headless Service instead.
 */
final class StaticNameResolverProvider extends NameResolverProvider {

    static final String SCHEME = "static";

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (String hostPort : target.getPath().replaceFirst("^/", "").split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("static target wants host:port entries, got '" + hostPort + "'");
            }
            groups.add(new EquivalentAddressGroup(new InetSocketAddress(
                    hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))));
        }
        return new NameResolver() {
            @Override
            public String getServiceAuthority() {
                return "r1-serve";
            }

            @Override
            public void start(Listener2 listener) {
                listener.onResult(ResolutionResult.newBuilder()
                        .setAddressesOrError(io.grpc.StatusOr.fromValue(groups))
                        .build());
            }

            @Override
            public void shutdown() {}
        };
    }
}
