package dev.r1serve.server.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * grpc-java logs every inbound message over the server's limit as a WARNING with a 17-line stack trace (from
 * {@code NettyServerStream}), once per call: a client sending huge prompts floods the log. This keeps one line
 * per refusal, naming the sizes and the setting to raise. Other records of that logger pass unchanged.
 */
public final class OversizedMessageLog {

    private static final Logger LOG = Logger.getLogger(OversizedMessageLog.class.getName());
    /** Held strongly: java.util.logging keeps loggers weakly, and would drop the filter with a collected one. */
    private static final Logger NETTY_STREAM = Logger.getLogger("io.grpc.netty.NettyServerStream");

    private OversizedMessageLog() {}

    public static synchronized void install() {
        Filter previous = NETTY_STREAM.getFilter();
        if (previous instanceof OneLine) {
            return;
        }
        NETTY_STREAM.setFilter(new OneLine(previous));
    }

    private record OneLine(Filter previous) implements Filter {
        @Override
        public boolean isLoggable(java.util.logging.LogRecord record) {
            if (record.getThrown() instanceof StatusRuntimeException e
                    && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                LOG.warning("refused a call (RESOURCE_EXHAUSTED): "
                        + e.getStatus().getDescription() + " bytes; raise maxMessageBytes to accept larger messages");
                return false;
            }
            return previous == null || previous.isLoggable(record);
        }
    }
}
