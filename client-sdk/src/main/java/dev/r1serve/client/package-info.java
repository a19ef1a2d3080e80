/** The Java client of r1-serve (built out in the client-SDK issue). */
package dev.r1serve.client;
