/** Finding the final answer in free text: boxes, math environments, answer phrases, numbers, letters. */
package dev.r1serve.reward.verify.extract;
