/** LaTeX clean-up and a small, bounded parser from answer LaTeX to an expression tree. */
package dev.r1serve.reward.verify.normalize;
