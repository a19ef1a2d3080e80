/**
 * Production security for the gRPC port, wired by {@link dev.r1serve.server.ServerOptions}.
 *
 * <ul>
 *   <li><b>API keys</b> ({@link dev.r1serve.server.security.ApiKeys},
 *       {@link dev.r1serve.server.security.ApiKeyInterceptor}): {@code --api-keys FILE} (config
 *       {@code apiKeysFile}), one key per line as {@code name:sha256hex}, the SHA-256 of the key, so keys are
 *       hashed at rest; {@code #} comments and blank lines are ignored. Make a line with
 *       {@code echo "team-a:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)"}. Clients send metadata
 *       {@code authorization: Bearer <key>}; a missing or wrong key gets UNAUTHENTICATED. Health checks and
 *       reflection stay open. Without a key file the server is open and logs a warning at start.</li>
 *   <li><b>TLS</b> ({@link dev.r1serve.server.security.TlsSettings}): {@code --tls-cert FILE --tls-key FILE}
 *       (PEM; key in PKCS#8), config {@code tls: {cert, key}}; add {@code --tls-client-ca FILE} (config
 *       {@code tls.clientCa}) to require client certificates signed by that CA (mutual TLS).</li>
 *   <li><b>Rate limits</b> ({@link dev.r1serve.server.security.RateLimits},
 *       {@link dev.r1serve.server.security.RateLimitInterceptor}): config
 *       {@code rateLimit: {requestsPerSecond: R, sequencesPerSecond: S}} (either may be left out; off by
 *       default), per API key, or per client address on an open server. A Generate call with n samples takes
 *       n sequences (at most one second's budget). Over a limit, calls fail at once with RESOURCE_EXHAUSTED
 *       and a {@code retry-after-ms} trailer: the milliseconds until the budget refreshes.</li>
 * </ul>
 */
package dev.r1serve.server.security;
