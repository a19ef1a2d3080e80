/** Single-thread throughput benchmark of the math verifier over MATH-500 gold answers. */
package dev.r1serve.reward.verify.bench;
