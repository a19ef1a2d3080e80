/** The eval harness: benchmarks, sampling, grading, metrics, reports. */
package dev.r1serve.eval;
