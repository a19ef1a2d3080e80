/** Picocli commands of the verifier; the project's CLI module registers them as subcommands. */
package dev.r1serve.reward.verify.cli;
