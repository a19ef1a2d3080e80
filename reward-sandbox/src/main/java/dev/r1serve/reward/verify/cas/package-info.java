/** Symja computer algebra behind a lazily started, deadline-bounded worker thread. */
package dev.r1serve.reward.verify.cas;
