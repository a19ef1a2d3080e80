/** Comparison rules (numbers, percentages, sets, tuples, intervals, relations, matrices) and numeric evaluation. */
package dev.r1serve.reward.verify.internal;
