/** Rewards, verifiers and the code sandbox for RL trainers. */
package dev.r1serve.reward;
